package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// helperSetting is one credential.helper (or credential.<url>.helper)
// value from git config, in the order git reads them.
type helperSetting = gitconfig.Helper

// configHelpers returns every credential helper setting git sees in dir.
func configHelpers(ctx context.Context, dir string) ([]helperSetting, error) {
	return gitconfig.All(ctx, dir)
}

// effectiveHelpers applies git's rule to the plain credential.helper
// settings: an empty value clears the list read so far.
func effectiveHelpers(all []helperSetting) (effective []helperSetting, lastReset *helperSetting) {
	return gitconfig.Chain(all, nil)
}

// OurHelpers returns the helper lines that run this program among those
// git runs for url (scheme://host[/path]; "" for a host that no
// credential.<url>.helper names), in the order git runs them.
func OurHelpers(ctx context.Context, dir, url string) ([]gitconfig.Helper, error) {
	return OurHelpersFor(ctx, dir, []string{url})
}

// OurHelpersFor is OurHelpers for each of urls, with git config read
// once: the lines of ours git runs for any of them, each once, in git's
// order for the first URL that runs it.
func OurHelpersFor(ctx context.Context, dir string, urls []string) ([]gitconfig.Helper, error) {
	all, err := gitconfig.All(ctx, dir)
	if err != nil {
		return nil, err
	}
	var ours []gitconfig.Helper
	for _, url := range urls {
		chain, _, err := gitconfig.ChainFor(ctx, dir, all, url)
		if err != nil {
			return nil, err
		}
		for _, h := range oursOf(chain) {
			if !slices.Contains(ours, h) {
				ours = append(ours, h)
			}
		}
	}
	return ours, nil
}

// SetupCommand is the command, with flagPrefix before "setup", that makes
// git run this helper for url ("": any host) from dir (see resetFix).
func SetupCommand(ctx context.Context, dir, url, flagPrefix string) string {
	_, lastReset, _, err := gitconfig.ForURL(ctx, dir, url)
	if err != nil {
		lastReset = nil
	}
	return resetFix(lastReset, flagPrefix)
}

// resetFix is the command that makes git run this helper despite reset,
// the last empty credential.helper git reads (nil: none). setup writes an
// empty credential.helper and its line at the end of the [credential]
// section of the scope it is given, so it wins over a plain reset in its
// own or a wider scope: setup for system and global, setup --local for
// local. A reset in a scope setup does not write (worktree, git -c), or
// one for a URL (setup's lines may land before it), has to go.
func resetFix(reset *helperSetting, flagPrefix string) string {
	setup := "git-credential-pat " + flagPrefix + "setup"
	switch {
	case reset == nil:
		return setup
	case reset.URL == "" && !reset.EmptyURL && reset.Scope == "local":
		return setup + " --local"
	case reset.URL == "" && !reset.EmptyURL && (reset.Scope == "system" || reset.Scope == "global"):
		return setup
	case reset.Scope == "command":
		return "remove the empty credential.helper given with git -c, GIT_CONFIG_COUNT or GIT_CONFIG_PARAMETERS"
	case redactURL(reset.URL) != reset.URL:
		return fmt.Sprintf("git config --%s --edit (and remove the empty %s line)", reset.Scope, "credential."+redactURL(reset.URL)+".helper")
	}
	return fmt.Sprintf("git config --%s --unset-all %s '^$'", reset.Scope, shellQuote(reset.Key()))
}

// oursOf keeps the lines that run this helper.
func oursOf(hs []helperSetting) []helperSetting {
	var ours []helperSetting
	for _, h := range hs {
		if IsOurHelper(h.Value) {
			ours = append(ours, h)
		}
	}
	return ours
}

// AllOurHelpers returns the helper lines of ours git runs for some URL, in
// git's order (see gitconfig.Live): the stores list and cache act on.
func AllOurHelpers(ctx context.Context, dir string) ([]gitconfig.Helper, error) {
	all, err := gitconfig.All(ctx, dir)
	if err != nil {
		return nil, err
	}
	return oursOf(gitconfig.Live(ctx, dir, all)), nil
}

// HostURLs returns the URLs git matches helper lines against for the
// remotes of a token for protocol://[user@]host[/path]: that URL; with
// users, the same for each user a helper line of ours names for the host
// in its <url> (credential.https://alice@host.helper: git runs it for that
// user's remotes); with paths, the <url> of each line of ours scoped to a
// path of the host (credential.https://host/acme.helper: git runs it for
// the remotes under that path). protocol "" is https. git config is read
// once, and only when users or paths asks for it.
func HostURLs(ctx context.Context, protocol, user, host, path string, users, paths bool) ([]string, error) {
	urls := []string{UserURL(protocol, user, host, path)}
	if !users && !paths {
		return urls, nil
	}
	scoped, err := scopedTo(ctx, "", protocol, host)
	if err != nil {
		return nil, err
	}
	add := func(u string) {
		if !slices.Contains(urls, u) {
			urls = append(urls, u)
		}
	}
	for _, s := range scoped {
		if users && s.user != "" {
			add(UserURL(protocol, s.user, host, path))
		}
	}
	for _, s := range scoped {
		if paths && s.path != "" {
			add(s.url)
		}
	}
	return urls, nil
}

// scopedURL is the <url> of a helper line for one host, and its parts.
type scopedURL struct{ url, user, path string }

// scopedTo returns the <url> of each helper line of ours git runs (from
// dir) for some URL that names protocol://host (with a user or a path, or neither).
func scopedTo(ctx context.Context, dir, protocol, host string) ([]scopedURL, error) {
	if protocol == "" {
		protocol = "https"
	}
	ours, err := AllOurHelpers(ctx, dir)
	if err != nil {
		return nil, err
	}
	var out []scopedURL
	for _, h := range ours {
		prefix, userinfo, rest, _ := credential.SplitUserinfo(h.URL)
		if userinfo == "" {
			prefix, rest, _ = strings.Cut(h.URL, "://")
			prefix += "://"
		}
		hostPart, path, _ := strings.Cut(rest, "/")
		user, _, _ := strings.Cut(userinfo, ":")
		if strings.EqualFold(prefix, protocol+"://") && strings.EqualFold(hostPart, host) {
			out = append(out, scopedURL{url: h.URL, user: user, path: strings.Trim(path, "/")})
		}
	}
	return out, nil
}

// WritableHelpers drops from ours (OurHelpers' answer) the lines whose
// stores are all read-only for commands (--store agent, env): login,
// logout and rotate act on the first line that remains. skipped counts
// the lines dropped, for a note.
func WritableHelpers(ours []gitconfig.Helper) (writable []gitconfig.Helper, skipped int) {
	for _, h := range ours {
		if backends.ReadOnly(ourHelperArgs(h.Value).Store) {
			skipped++
			continue
		}
		writable = append(writable, h)
	}
	return writable, skipped
}

// cacheSocket returns the cache daemon socket flags name ("" for the
// default one) and whether they use a cache daemon at all: the cache
// store is in their --store list, or --cache-for puts the daemon in front
// of the others. The agent store's --socket is not a cache's.
func cacheSocket(a stores.Args) (string, bool) {
	return a.Options.Socket, backends.ListHas(a.Store, "cache") || a.Options.CacheFor > 0
}

// HelperArgs returns the words git passes to the program of a helper line
// of ours, before the action: its flags.
func HelperArgs(value string) []string {
	value = strings.TrimSpace(value)
	words := splitWords(strings.TrimPrefix(value, "!"))
	if gitCredentialPat(value, words) {
		return words[2:]
	}
	if len(words) > 0 {
		words = words[1:]
	}
	return words
}

// LineArgs is HelperArgs with each relative --file and --socket value
// made absolute from the directory git runs the helper in
// (gitconfig.HelperDir): the top of the worktree when the command runs
// inside one. So a command started in a subdirectory opens the file and
// the socket that git's runs of the line open. The words are read as the
// helper's parser reads them (stores.ParseArgs): every flag but
// --allow-http takes a value, as --name=value or as the next word.
func LineArgs(value string) []string {
	words := HelperArgs(value)
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			break
		}
		if len(w) < 3 || !strings.HasPrefix(w, "--") {
			continue // the action, or a word the parser refuses
		}
		name, val, inline := strings.Cut(w[2:], "=")
		if name == "allow-http" {
			continue
		}
		if !inline {
			if i+1 == len(words) {
				break
			}
			i++
			val = words[i]
		}
		if !relativePath(name, val) {
			continue
		}
		dir, err := helperDir()
		if err != nil {
			continue // left as it is: resolved from here, as before
		}
		abs := filepath.Join(dir, val)
		if inline {
			abs = "--" + name + "=" + abs
		}
		words[i] = abs
	}
	return words
}

// relativePath reports whether val, the value of the flag --name, is a
// path git's runs of a helper line resolve from the directory they run
// in. A --socket of "@name" is a Linux abstract socket, not a path.
func relativePath(name, val string) bool {
	switch {
	case val == "" || filepath.IsAbs(val):
		return false
	case name == "file":
		return true
	case name == "socket":
		return !strings.HasPrefix(val, "@")
	}
	return false
}

// helperDir is gitconfig.HelperDir for this process's directory, asked of
// git once and only when a helper line has a relative path.
var helperDir = sync.OnceValues(func() (string, error) {
	return gitconfig.HelperDir(context.Background(), "")
})

// gitCredentialPat reports whether a helper line runs "!git credential-pat
// ...", the long form of "pat", which git runs through its own dispatcher.
// Without the "!", git would run "git credential-git credential-pat".
func gitCredentialPat(value string, words []string) bool {
	return strings.HasPrefix(strings.TrimSpace(value), "!") &&
		len(words) >= 2 && strings.TrimSuffix(filepath.Base(words[0]), ".exe") == "git" && words[1] == "credential-pat"
}

// splitWords splits a helper value the way the POSIX shell git runs it
// with would, for the quoting and expansions people and setup write:
// '...', "..." and backslashes; $NAME and ${NAME} outside single quotes;
// a ~ that starts an unquoted word, before a / or alone. So --file
// ~/creds or $HOME/creds names the file git's run of the line uses.
// Other expansions ($(...), globs) stay as written.
func splitWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '$' {
					if v, n := expandVar(s[i:]); n > 0 {
						cur.WriteString(v)
						i += n - 1
						continue
					}
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '~' && !inWord && (i+1 == len(s) || strings.IndexByte("/ \t", s[i+1]) >= 0) && os.Getenv("HOME") != "":
			cur.WriteString(os.Getenv("HOME"))
			inWord = true
		case c == '$':
			v, n := expandVar(s[i:])
			if n == 0 {
				cur.WriteByte(c)
				inWord = true
				continue
			}
			i += n - 1
			// Unquoted, the value is split into words at blanks.
			for j := 0; j < len(v); j++ {
				if strings.IndexByte(" \t\n", v[j]) >= 0 {
					if inWord {
						words = append(words, cur.String())
						cur.Reset()
						inWord = false
					}
					continue
				}
				cur.WriteByte(v[j])
				inWord = true
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// expandVar expands the $NAME or ${NAME} that s starts with, from the
// environment (which git's shell inherits from the same user's session),
// and says how many bytes it took; 0 when s does not start with one.
func expandVar(s string) (string, int) {
	isName := func(c byte, first bool) bool {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || !first && '0' <= c && c <= '9'
	}
	if strings.HasPrefix(s, "${") {
		end := strings.IndexByte(s, '}')
		if end < 3 {
			return "", 0
		}
		for j := 2; j < end; j++ {
			if !isName(s[j], j == 2) {
				return "", 0
			}
		}
		return os.Getenv(s[2:end]), end + 1
	}
	if len(s) > 1 && '0' <= s[1] && s[1] <= '9' {
		return "", 2 // a positional parameter: git's shell runs the line with none
	}
	n := 1
	for n < len(s) && isName(s[n], n == 1) {
		n++
	}
	if n == 1 {
		return "", 0
	}
	return os.Getenv(s[1:n]), n
}

// helperExecutable returns the program git runs for a helper value of
// ours: an absolute path as written, a "!cmd" snippet's first word looked
// up on PATH, or git-credential-pat on git's exec path and PATH for the
// short form "pat".
func helperExecutable(ctx context.Context, value string) (string, error) {
	shell := strings.HasPrefix(value, "!")
	words := splitWords(strings.TrimPrefix(value, "!"))
	if len(words) == 0 {
		return "", errors.New("empty helper")
	}
	w := words[0]
	if gitCredentialPat(value, words) {
		w, shell = "pat", false // git finds git-credential-pat as for "pat"
	}
	switch {
	case filepath.IsAbs(w):
		return w, nil
	case shell || strings.Contains(w, "/"):
		return exec.LookPath(w)
	}
	name := "git-credential-" + w
	if out, err := runGit(ctx, "", "--exec-path"); err == nil {
		p := filepath.Join(strings.TrimSpace(out), name)
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// ourHelperArgs parses the flags of a helper value of ours (its words
// after the program) as the helper itself does (stores.ParseArgs), with
// relative paths resolved as git's runs of it resolve them (LineArgs).
func ourHelperArgs(helperValue string) stores.Args {
	a, _ := stores.ParseArgs(LineArgs(helperValue)) // what cannot be parsed is reported by doctor's helpers check
	return a
}

// sameStore reports whether the helper value reads the store the given
// flags name: the same store list, each store's identity (file, resolver)
// and the same cache socket. When not, it returns the helper's flags, one
// "--name value" each, for a message and a command to run.
func sameStore(helperValue string, storeArgs []string) (bool, string) {
	theirs := ourHelperArgs(helperValue)
	ours, _ := stores.ParseArgs(storeArgs)
	same := theirs.Store == ours.Store && theirs.Options.Socket == ours.Options.Socket &&
		listIdentity(theirs) == listIdentity(ours)
	words := append([]string{"program"}, HelperArgs(helperValue)...)
	var desc []string
	if !slices.ContainsFunc(words, func(w string) bool { return w == "--store" || strings.HasPrefix(w, "--store=") }) {
		desc = append(desc, "--store "+shellQuote(theirs.Store))
	}
	for i := 1; i < len(words); i++ {
		name, val, hasVal := strings.Cut(words[i], "=")
		if !hasVal && strings.HasPrefix(name, "--") && name != "--allow-http" && i+1 < len(words) {
			i++
			val, hasVal = words[i], true
		}
		if hasVal {
			desc = append(desc, name+" "+shellQuote(val))
		} else {
			desc = append(desc, name)
		}
	}
	return same, strings.Join(desc, " ")
}

// listIdentity is backends.StoreIdentity of each store of a's list.
func listIdentity(a stores.Args) string {
	var ids []string
	for _, name := range backends.ListNames(a.Store) {
		id, err := backends.StoreIdentity(name, a.Options)
		if err != nil {
			id = "unknown " + name
		}
		ids = append(ids, id)
	}
	return strings.Join(ids, "\n")
}

// HostURL is the URL git matches credential.<url>.helper settings against
// for a host and an optional repository path ("" when host is "").
func HostURL(protocol, host, path string) string {
	if host == "" {
		return ""
	}
	if strings.Contains(host, "://") {
		return host
	}
	if protocol == "" {
		protocol = "https"
	}
	u := protocol + "://" + host
	if p := strings.Trim(path, "/"); p != "" {
		u += "/" + p
	}
	return u
}

// UserURL is HostURL with a user, as git formats the URL it matches
// credential.<url> settings against when the remote URL names one
// (https://alice@example.com/...): a credential.https://alice@example.com
// .helper line applies to it, and every line without a user still does.
func UserURL(protocol, user, host, path string) string {
	u := HostURL(protocol, host, path)
	if user == "" || u == "" || strings.Contains(host, "://") {
		return u
	}
	scheme, rest, _ := strings.Cut(u, "://")
	var b strings.Builder
	for i := 0; i < len(user); i++ {
		c := user[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return scheme + "://" + b.String() + "@" + rest
}

// GitURL is the URL of the token login (or rotate) stores, as git matches
// credential.<url>.helper settings against it: with the user given with
// --username or in --host, which a remote for that user names too; "" when
// the flags do not name a valid target (Login then says why).
func (o LoginOptions) GitURL() string {
	c, user, err := o.gitTarget()
	if err != nil {
		return ""
	}
	path := c.Path
	if o.Owner != "" && o.Path == "" {
		// git asks for the owner's repositories (OWNER/REPO.git), never
		// for OWNER itself: OWNER/* (read: any of them) stands for them,
		// so that, as for them, a credential.https://HOST/OWNER line
		// applies (a prefix) and a partial credential.HOST/OWNER line
		// (which git compares whole, trailing slashes dropped) does not.
		path += "/*"
	}
	return UserURL(c.Protocol, user, c.Host, path)
}

// gitTarget is loginTarget's credential, and the user git puts in the URL
// it matches helper lines against: the one given with --username or in
// --host, which a remote for that user names too; "" otherwise (the
// default username is in no remote's URL).
func (o LoginOptions) gitTarget() (c credential.Credential, user string, err error) {
	c, err = loginTarget("login", o)
	if err != nil {
		return c, "", err
	}
	user = c.Username
	if o.Username == "" && !strings.Contains(o.Host, "@") {
		user = ""
	}
	return c, user, nil
}

// TokenLines returns the lines of ours git runs for the token o names
// (login, rotate), in git's order, and the URLs they are the lines for:
// those git runs for GitURL; when it runs none there and o names no path
// (--owner, --path), those it runs for the host's repositories under each
// path a line of ours is scoped to (credential.https://HOST/acme.helper,
// for this user or any): git asks their stores for a host's token there,
// and no other store, so that is where login puts it, and where rotate
// and logout find it. scoped says the lines came from such paths.
func (o LoginOptions) TokenLines(ctx context.Context) (lines []gitconfig.Helper, urls []string, scoped bool, err error) {
	url := o.GitURL()
	urls = []string{url}
	if lines, err = OurHelpers(ctx, o.Dir, url); err != nil || len(lines) > 0 || url == "" || o.Owner != "" || o.Path != "" {
		return lines, urls, false, err
	}
	c, user, err := o.gitTarget()
	if err != nil || c.Path != "" {
		return nil, urls, false, nil
	}
	paths, err := scopedTo(ctx, o.Dir, c.Protocol, c.Host)
	if err != nil {
		return nil, urls, false, err
	}
	var under []string
	for _, s := range paths {
		if u := UserURL(c.Protocol, user, c.Host, s.path); s.path != "" && (s.user == "" || s.user == user) && !slices.Contains(under, u) {
			under = append(under, u)
		}
	}
	if len(under) == 0 {
		return nil, urls, false, nil
	}
	if lines, err = OurHelpersFor(ctx, o.Dir, under); err != nil || len(lines) == 0 {
		return nil, urls, false, err
	}
	return lines, under, true, nil
}
