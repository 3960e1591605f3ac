package gitconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// timeout bounds one git command.
const timeout = 30 * time.Second

// ErrNotSet is what Run returns when git config finds no such key (exit
// status 1 with nothing on stderr).
var ErrNotSet = errors.New("not set")

// Run runs git in dir with extra environment variables and returns stdout.
func Run(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 && stderr.Len() == 0 {
		return "", ErrNotSet
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if strings.Contains(msg, "bad config") || strings.Contains(msg, "bad numeric config value") || strings.Contains(msg, "bad boolean config value") {
			return "", fmt.Errorf("%w: %s; fix what it names (git config --global --edit opens ~/.gitconfig) and run this again: every git command fails until then", ErrBadConfig, strings.TrimPrefix(msg, "fatal: "))
		}
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return stdout.String(), nil
}

// ErrBadConfig is what Run's error wraps when git cannot read its
// configuration (a malformed file, a value of the wrong type): the message
// names the file and line git named, and the fix.
var ErrBadConfig = errors.New("git cannot read its configuration")

// Advice is " (run: cmd)", a command that shows the settings behind err,
// or "" when git cannot read its configuration at all: then cmd would
// fail the same way, and err already says what to fix.
func Advice(err error, cmd string) string {
	if errors.Is(err, ErrBadConfig) {
		return ""
	}
	return " (run: " + cmd + ")"
}

// Entry is one setting as git config --null --get-regexp prints it.
type Entry struct {
	Scope  string // with --show-scope: system, global, local, worktree or command
	Origin string // with --show-origin: file:/path or "command line:"
	Key    string // the setting's name, as git prints it (lower-cased section and key)
	Value  string
}

// List runs git config --null --get-regexp pattern in dir, with flags
// before the pattern (a scope such as --global, --show-scope,
// --show-origin), and returns the settings in git's order. No match is
// not an error.
func List(ctx context.Context, dir, pattern string, flags ...string) ([]Entry, error) {
	args := append(append([]string{"config", "--null"}, flags...), "--get-regexp", pattern)
	out, err := Run(ctx, dir, nil, args...)
	if errors.Is(err, ErrNotSet) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	scope, origin := false, false
	for _, f := range flags {
		scope = scope || f == "--show-scope"
		origin = origin || f == "--show-origin"
	}
	return parseNull(out, scope, origin), nil
}

// GetAll runs git config --null --get-all key in dir, with flags before
// the key (a scope such as --global), and returns its values in order. No
// value is not an error.
func GetAll(ctx context.Context, dir, key string, flags ...string) ([]string, error) {
	args := append(append([]string{"config", "--null"}, flags...), "--get-all", key)
	out, err := Run(ctx, dir, nil, args...)
	if errors.Is(err, ErrNotSet) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	vals := strings.Split(out, "\x00")
	return vals[:len(vals)-1], nil
}

// parseNull reads git config --null output: for each setting its scope
// and origin when shown, each ending in NUL, then "key\nvalue" (or the key
// alone for a value-less boolean) ending in NUL.
func parseNull(out string, scope, origin bool) []Entry {
	per := 1
	if scope {
		per++
	}
	if origin {
		per++
	}
	fields := strings.Split(out, "\x00")
	var es []Entry
	for i := 0; i+per < len(fields); i += per { // the last field is what follows the final NUL
		f := fields[i : i+per]
		var e Entry
		if scope {
			e.Scope, f = f[0], f[1:]
		}
		if origin {
			e.Origin, f = f[0], f[1:]
		}
		e.Key, e.Value, _ = strings.Cut(f[0], "\n")
		es = append(es, e)
	}
	return es
}

// Helper is one credential.helper or credential.<url>.helper setting, in
// the order git reads them.
type Helper struct {
	Scope  string // system, global, local, worktree or command
	Origin string // file:/path or "command line:"
	URL    string // the <url> of credential.<url>.helper; "" for credential.helper
	Value  string
	// EmptyURL marks credential..helper (a [credential ""] section), which
	// git applies to every URL, as credential.helper.
	EmptyURL bool
}

// Key is the setting's name: credential.helper or credential.<url>.helper.
func (h Helper) Key() string {
	switch {
	case h.EmptyURL:
		return "credential..helper"
	case h.URL == "":
		return "credential.helper"
	}
	return "credential." + h.URL + ".helper"
}

// Where names the setting for a message: `global, /home/a/.gitconfig`,
// with the URL for a URL-scoped one (its userinfo masked: a URL in a key
// may hold a token), without control characters.
func (h Helper) Where() string {
	origin := strings.TrimPrefix(h.Origin, "file:")
	s := h.Scope
	if origin != "" && h.Scope != "command" {
		s += ", " + origin
	}
	if h.URL != "" {
		s += ", credential." + credential.RedactURL(h.URL) + ".helper"
	}
	return credential.Printable(s)
}

// All returns every credential.helper and credential.<url>.helper setting
// git reads in dir (includes followed), in git's order.
func All(ctx context.Context, dir string) ([]Helper, error) {
	es, err := List(ctx, dir, HelperPattern, "--show-scope", "--show-origin")
	if err != nil {
		return nil, err
	}
	var hs []Helper
	abs := AbsOrigins(ctx, dir)
	for _, e := range es {
		h := Helper{Scope: e.Scope, Origin: abs(e.Origin), Value: e.Value}
		h.URL, h.EmptyURL = keyURL(e.Key, "helper")
		hs = append(hs, h)
	}
	return hs, nil
}

// AbsOrigins returns a function that makes a relative file origin
// ("file:.git/config", as git prints the repository's config) absolute:
// it is relative to the directory git config ran in, the top of the
// worktree from inside one (HelperDir), asked of git once, when needed.
func AbsOrigins(ctx context.Context, dir string) func(string) string {
	var base string
	return func(origin string) string {
		p, ok := strings.CutPrefix(origin, "file:")
		if !ok || p == "" || filepath.IsAbs(p) {
			return origin
		}
		if base == "" {
			b, err := HelperDir(ctx, dir)
			if err != nil {
				return origin
			}
			base = b
		}
		return "file:" + filepath.Join(base, p)
	}
}

// Chain applies git's rule to settings read in order: a setting whose URL
// does not apply is skipped, an empty value clears the list read so far,
// any other value is appended. applies may be nil: then only the plain
// credential.helper settings count (what git runs for a URL that no
// credential.<url>.helper names). lastReset is the last empty setting that
// applied, or nil.
func Chain(all []Helper, applies func(Helper) bool) (chain []Helper, lastReset *Helper) {
	for i, h := range all {
		if h.URL != "" && (applies == nil || !applies(h)) {
			continue
		}
		if h.Value == "" {
			chain, lastReset = nil, &all[i]
			continue
		}
		chain = append(chain, h)
	}
	return chain, lastReset
}

// CredentialValue is the credential.NAME setting git applies to url (name
// lower-cased, such as "username"; flags such as --type=bool go to git
// config): git's credential_apply_config hands every credential.NAME and
// credential.<url>.NAME that matches url to its callback in config order,
// so the last one wins, not the most specific one that git config
// --get-urlmatch picks. set is false when none applies.
func CredentialValue(ctx context.Context, dir, name, url string, flags ...string) (value string, set bool, err error) {
	es, err := List(ctx, dir, `^credential\.(.*\.)?`+regexp.QuoteMeta(name)+`$`, flags...)
	if err != nil {
		return "", false, err
	}
	settings := make([]Helper, len(es)) // Matcher looks at URL only
	for i, e := range es {
		settings[i].URL, settings[i].EmptyURL = keyURL(e.Key, name)
		settings[i].Value = e.Value
	}
	match, err := Matcher(ctx, dir, settings, url)
	if err != nil {
		return "", false, err
	}
	for _, s := range settings {
		if s.URL == "" || match(s) {
			value, set = s.Value, true
		}
	}
	return value, set, nil
}

// CredentialBool is CredentialValue for a boolean such as usehttppath.
func CredentialBool(ctx context.Context, dir, name, url string) (value, set bool, err error) {
	v, set, err := CredentialValue(ctx, dir, name, url, "--type=bool")
	return v == "true", set, err
}

// keyURL is the <url> of a credential.<url>.NAME key ("" for
// credential.NAME), and whether it is the empty <url> of credential..NAME.
func keyURL(key, name string) (url string, empty bool) {
	mid := strings.TrimSuffix(strings.TrimPrefix(key, "credential."), name)
	if mid == "" {
		return "", false
	}
	url = strings.TrimSuffix(mid, ".")
	return url, url == ""
}

// Live returns the helper settings git runs for some URL: every non-empty
// one not cleared by a later empty one that applies wherever it does: a
// plain or [credential ""] reset, one for the same <url>, or one whose
// <url> git matches against every URL the setting's own matches
// (credential.https://example.com.helper = after a line for
// https://example.com/acme; asked of git, see covered). It is what
// commands that work on every store git uses (list, cache) look at; a
// setting cleared only for part of its URLs still counts. dir is where git
// config runs, as for All.
func Live(ctx context.Context, dir string, all []Helper) []Helper {
	var live []Helper
	for i, h := range all {
		if h.Value == "" {
			continue
		}
		cleared := false
		var resets []Helper // later resets for other <url>s
		for _, later := range all[i+1:] {
			if later.Value != "" {
				continue
			}
			if later.URL == "" || later.URL == h.URL {
				cleared = true
				break
			}
			resets = append(resets, later)
		}
		if !cleared && h.URL != "" && len(resets) > 0 {
			cleared = covered(ctx, dir, h.URL, resets)
		}
		if !cleared {
			live = append(live, h)
		}
	}
	return live
}

// covered reports whether git applies one of resets (URL-scoped settings)
// to every URL that credential.<url> settings for url apply to. url is a
// URL with no wildcard: those are the URLs of its scheme, host and port
// (and user, if it names one) whose path starts with its path. A reset
// applies to all of them exactly when git applies it to one a segment
// deeper than url (a partial <url> with a path, which git compares whole,
// does not; nor does one with a longer path or another user). For any
// other url, or when git cannot tell, it says no: the setting stays live.
func covered(ctx context.Context, dir, url string, resets []Helper) bool {
	if !schemeRE.MatchString(url) || strings.Contains(url, "*") || strings.ContainsAny(url, "?#") {
		return false
	}
	match, err := Matcher(ctx, dir, resets, strings.TrimRight(url, "/")+"/gitcredentialpat-probe")
	if err != nil {
		return false
	}
	for _, r := range resets {
		if match(r) {
			return true
		}
	}
	return false
}

// ForURL returns the helpers git runs, in order, for a request to url
// (scheme://[user@]host[:port][/path], as git builds it from the remote
// URL before it drops the path for credential.useHttpPath): every setting
// read in git's order, URL-scoped ones only where their URL matches, an
// empty value clearing the list so far. url "" means a host no
// credential.<url>.helper names.
func ForURL(ctx context.Context, dir, url string) (chain []Helper, lastReset *Helper, all []Helper, err error) {
	all, err = All(ctx, dir)
	if err != nil {
		return nil, nil, all, err
	}
	chain, lastReset, err = ChainFor(ctx, dir, all, url)
	return chain, lastReset, all, err
}

// ChainFor is ForURL on settings All has already read, so that a command
// asking about several URLs reads git config once.
func ChainFor(ctx context.Context, dir string, all []Helper, url string) (chain []Helper, lastReset *Helper, err error) {
	var applies func(Helper) bool
	if url != "" {
		if applies, err = Matcher(ctx, dir, all, url); err != nil {
			return nil, nil, err
		}
	}
	chain, lastReset = Chain(all, applies)
	return chain, lastReset, nil
}

// schemeRE is how git's url_normalize recognises a URL rather than a
// partial one ("example.com", "example.com/path").
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// Matcher tells which URL-scoped settings apply to url, as git's
// credential_apply_config decides: a <url> that is a URL is matched by git
// itself (git config --get-urlmatch on a probe setting per <url>, so host
// wildcards, default ports, case and percent-encoding are git's), and a
// partial one ("example.com") field by field as git's match_partial_url.
func Matcher(ctx context.Context, dir string, all []Helper, url string) (func(Helper) bool, error) {
	target, err := parsePartial(url)
	if err != nil || target.host == "" || target.protocol == "" {
		return nil, fmt.Errorf("gitconfig: %q is not a URL like https://host/path", url)
	}
	// One probe setting per distinct <url>, added through GIT_CONFIG_COUNT
	// (which, unlike -c, takes any key), after the ones already set.
	base := 0
	if n, err := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT")); err == nil && n > 0 {
		base = n
	}
	probe := map[string]string{} // <url> -> probe key
	var env []string
	for _, h := range all {
		if h.URL == "" || !schemeRE.MatchString(h.URL) {
			continue
		}
		if _, ok := probe[h.URL]; ok {
			continue
		}
		i := len(probe)
		name := "gitcredentialpatprobe" + strconv.Itoa(i)
		probe[h.URL] = "credential." + name
		env = append(env,
			"GIT_CONFIG_KEY_"+strconv.Itoa(base+i)+"=credential."+h.URL+"."+name,
			"GIT_CONFIG_VALUE_"+strconv.Itoa(base+i)+"=1")
	}
	matched := map[string]bool{} // probe key -> matched
	if len(probe) > 0 {
		env = append(env, "GIT_CONFIG_COUNT="+strconv.Itoa(base+len(probe)))
		out, err := Run(ctx, dir, env, "config", "--get-urlmatch", "credential", url)
		if err != nil && !errors.Is(err, ErrNotSet) {
			return nil, err
		}
		for _, l := range strings.Split(out, "\n") {
			key, _, _ := strings.Cut(l, " ")
			matched[strings.ToLower(key)] = true
		}
	}
	return func(h Helper) bool {
		if h.URL == "" {
			return true
		}
		if key, ok := probe[h.URL]; ok {
			return matched[key]
		}
		want, err := parsePartial(h.URL)
		return err == nil && want.matches(target)
	}, nil
}

// parts are the fields git's credential_from_url_1 takes from a URL.
type parts struct{ protocol, username, host, path string }

// parsePartial splits a (possibly partial) URL as git's
// credential_from_potentially_partial_url does.
func parsePartial(url string) (parts, error) {
	var p parts
	cp := url
	protoEnd := strings.Index(url, "://")
	if protoEnd >= 0 {
		cp = url[protoEnd+3:]
	}
	slash := strings.IndexAny(cp, "/?#")
	if slash < 0 {
		slash = len(cp)
	}
	at := strings.IndexByte(cp, '@')
	colon := strings.IndexByte(cp, ':')
	host := cp
	switch {
	case at < 0 || slash <= at:
	case colon < 0 || at <= colon:
		p.username = decode(cp[:at])
		host = cp[at+1:]
	default:
		p.username = decode(cp[:colon])
		host = cp[at+1:]
	}
	if protoEnd > 0 {
		p.protocol = url[:protoEnd]
	}
	rest := host
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		p.host, rest = decode(host[:i]), host[i:]
	} else {
		p.host, rest = decode(host), ""
	}
	rest = strings.TrimLeft(rest, "/")
	if rest != "" {
		p.path = decode(rest)
		for len(p.path) > 1 && strings.HasSuffix(p.path, "/") {
			p.path = p.path[:len(p.path)-1]
		}
	}
	for _, v := range []string{p.protocol, p.username, p.host, p.path} {
		if strings.ContainsAny(v, "\n\x00") {
			return parts{}, errors.New("newline or NUL in URL")
		}
	}
	return p, nil
}

// matches is git's credential_match without the password: every field
// want names must equal have's.
func (want parts) matches(have parts) bool {
	eq := func(w, h string) bool { return w == "" || w == h }
	return eq(want.protocol, have.protocol) && eq(want.host, have.host) && eq(want.path, have.path) && eq(want.username, have.username)
}

// decode undoes %XX escapes as git's url_decode_mem does (other bytes,
// including '+', stay as they are).
func decode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// HelperPattern matches the names credential.helper and credential.<url>.helper
// (git config --get-regexp).
const HelperPattern = `^credential\.(.*\.)?helper$`

// IncludedHelpers returns the helper settings of the files that the
// scope's config file includes (include.path and includeIf.<cond>.path,
// whatever the condition: it may hold in another repository), each with
// the scope's name, as All reports settings of included files. git reads
// them where it meets the include, so before the end of the including
// file. A path is relative to the including file's directory, ~/ to the
// home directory; a file that cannot be read is skipped, as git skips it.
func IncludedHelpers(ctx context.Context, dir, scope string) ([]Helper, error) {
	incs, err := List(ctx, dir, `^include(if\..*)?\.path$`, "--"+scope, "--show-origin")
	if err != nil {
		return nil, err
	}
	var hs []Helper
	abs := AbsOrigins(ctx, dir)
	for _, inc := range incs {
		p := inc.Value
		switch {
		case strings.HasPrefix(p, "~/"):
			home, err := os.UserHomeDir()
			if err != nil {
				continue
			}
			p = filepath.Join(home, p[2:])
		case !filepath.IsAbs(p):
			from, ok := strings.CutPrefix(abs(inc.Origin), "file:")
			if !ok {
				continue
			}
			p = filepath.Join(filepath.Dir(from), p)
		}
		es, err := List(ctx, dir, HelperPattern, "--file", p, "--includes", "--show-origin")
		if err != nil {
			continue
		}
		for _, e := range es {
			h := Helper{Scope: scope, Origin: e.Origin, Value: e.Value}
			h.URL, h.EmptyURL = keyURL(e.Key, "helper")
			hs = append(hs, h)
		}
	}
	return hs, nil
}
