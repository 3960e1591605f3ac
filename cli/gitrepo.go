package cli

import (
	"context"
	"errors"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
	forgeapi "github.com/git-credential-pat/git-credential-pat/forge/api"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
	"strings"
)

// errNotSet is what runGit returns when git config finds no such key
// (exit status 1 with nothing on stderr).
var errNotSet = gitconfig.ErrNotSet

// errNotRepo means the directory is not inside a git repository.
var errNotRepo = errors.New("not in a git repository")

// runGit runs git in dir and returns its stdout (see gitconfig.Run).
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	return gitconfig.Run(ctx, dir, nil, args...)
}

// lines splits git's output into lines, without a trailing empty one.
func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// inRepo reports whether dir is inside a git repository.
func inRepo(ctx context.Context, dir string) bool {
	_, err := runGit(ctx, dir, "rev-parse", "--git-dir")
	return err == nil
}

// remoteURL is one URL of a remote as configured (remote.NAME.url or
// remote.NAME.pushurl), with what git really uses after url.<base>.insteadOf
// (and, for pushes, url.<base>.pushInsteadOf) rewriting.
type remoteURL struct {
	Remote        string
	Push          bool   // a pushurl; otherwise a url used for fetch (and push when there is no pushurl)
	PushToo       bool   // a url that push also uses, because the remote has no pushurl
	Raw           string // as written in the config
	Effective     string // what fetch (or, for a pushurl, push) uses
	PushEffective string // for PushToo: what push uses
	Count         int    // how many URLs of this kind the remote has
}

// Kind says what the URL is used for: "fetch+push", "fetch" or "push".
func (u remoteURL) Kind() string {
	switch {
	case u.Push:
		return "push"
	case u.PushToo:
		return "fetch+push"
	}
	return "fetch"
}

// listRemotes returns every fetch and push URL of every remote of the
// repository at dir, in config order; errNotRepo outside a repository.
func listRemotes(ctx context.Context, dir string) ([]remoteURL, error) {
	if !inRepo(ctx, dir) {
		return nil, errNotRepo
	}
	out, err := runGit(ctx, dir, "remote")
	if err != nil {
		return nil, err
	}
	get := func(args ...string) ([]string, error) {
		s, err := runGit(ctx, dir, args...)
		if errors.Is(err, errNotSet) {
			return nil, nil
		}
		return lines(s), err
	}
	at := func(list []string, i int, def string) string {
		if i < len(list) {
			return list[i]
		}
		return def
	}
	var all []remoteURL
	for _, name := range lines(out) {
		urls, err := get("config", "--get-all", "remote."+name+".url")
		if err != nil {
			return nil, err
		}
		pushURLs, err := get("config", "--get-all", "remote."+name+".pushurl")
		if err != nil {
			return nil, err
		}
		// "--": the name is the config's, and may start with '-'.
		fetchEff, err := get("remote", "get-url", "--all", "--", name)
		if err != nil {
			return nil, err
		}
		pushEff, err := get("remote", "get-url", "--push", "--all", "--", name)
		if err != nil {
			return nil, err
		}
		for i, u := range urls {
			r := remoteURL{Remote: name, Raw: u, Effective: at(fetchEff, i, u), Count: len(urls)}
			if len(pushURLs) == 0 {
				r.PushToo, r.PushEffective = true, at(pushEff, i, r.Effective)
			}
			all = append(all, r)
		}
		for i, u := range pushURLs {
			all = append(all, remoteURL{Remote: name, Push: true, Raw: u, Effective: at(pushEff, i, u), Count: len(pushURLs)})
		}
	}
	return all, nil
}

// rewriteRule is a url.<base>.insteadOf or pushInsteadOf setting.
type rewriteRule struct {
	Scope, Base, Key, Value string // Key is "insteadOf" or "pushInsteadOf"
}

// rewriteRules lists the url.*.insteadOf and pushInsteadOf settings.
func rewriteRules(ctx context.Context, dir string) ([]rewriteRule, error) {
	es, err := gitconfig.List(ctx, dir, `^url\..*\.(insteadof|pushinsteadof)$`, "--show-scope")
	if err != nil {
		return nil, err
	}
	var rules []rewriteRule
	for _, e := range es {
		key := strings.TrimPrefix(e.Key, "url.")
		r := rewriteRule{Scope: e.Scope, Value: e.Value, Key: "insteadOf"}
		if b, ok := strings.CutSuffix(key, ".pushinsteadof"); ok {
			r.Base, r.Key = b, "pushInsteadOf"
		} else {
			r.Base = strings.TrimSuffix(key, ".insteadof")
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// ruleFor finds the rule that turned raw into effective (the longest
// matching prefix, as git picks).
func ruleFor(rules []rewriteRule, raw, effective string, push bool) (rewriteRule, bool) {
	var best rewriteRule
	found := false
	for _, r := range rules {
		if (r.Key == "pushInsteadOf") != push || !strings.HasPrefix(raw, r.Value) || r.Base+raw[len(r.Value):] != effective {
			continue
		}
		if !found || len(r.Value) > len(best.Value) {
			best, found = r, true
		}
	}
	return best, found
}

// parseSSH recognises git's SSH URL forms, [user@]host:path (scp-like) and
// ssh://[user@]host[:port]/path (also git+ssh:// and ssh+git://), and
// returns the host name (without user or port) and the repository path.
func parseSSH(raw string) (host, path string, ok bool) {
	for _, scheme := range []string{"ssh://", "git+ssh://", "ssh+git://"} {
		if rest, found := strings.CutPrefix(raw, scheme); found {
			authority, p, _ := strings.Cut(rest, "/")
			if i := strings.LastIndexByte(authority, '@'); i >= 0 {
				authority = authority[i+1:]
			}
			return cleanSSH(credential.HostName(authority), p)
		}
	}
	if strings.Contains(raw, "://") {
		return "", "", false
	}
	if rest, ok := strings.CutPrefix(raw, "["); ok { // [user@host:port]:path
		authority, p, found := strings.Cut(rest, "]:")
		if !found {
			return "", "", false
		}
		if i := strings.LastIndexByte(authority, '@'); i >= 0 {
			authority = authority[i+1:]
		}
		if strings.Count(authority, ":") > 1 { // an IPv6 address: [::1]:path
			return cleanSSH("["+authority+"]", p)
		}
		return cleanSSH(credential.HostName(authority), p)
	}
	// git's rule: scp-like when a ':' comes before any '/'.
	colon := strings.IndexByte(raw, ':')
	if colon <= 0 || strings.Contains(raw[:colon], "/") {
		return "", "", false
	}
	authority, p := raw[:colon], raw[colon+1:]
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	return cleanSSH(authority, p)
}

func cleanSSH(host, path string) (string, string, bool) {
	path = strings.TrimLeft(path, "/")
	// ~user paths are home directories on the SSH server: no HTTPS equivalent.
	if host == "" || path == "" || strings.HasPrefix(path, "~") {
		return "", "", false
	}
	host = strings.ToLower(host)
	host = forge.SSHMainHost(host)
	return host, path, true
}

// parseHTTP recognises a plain http:// URL and returns its host (with any
// port) and path.
func parseHTTP(raw string) (host, path string, ok bool) {
	rest, found := strings.CutPrefix(raw, "http://")
	if !found {
		return "", "", false
	}
	authority, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	return strings.ToLower(authority), path, authority != ""
}

// tokenHosts maps each host name to the HTTPS host (with port, if the token
// was stored with one) that switched remotes should use: the known forges,
// then every https host with a stored token.
type tokenHosts map[string]tokenHost

type tokenHost struct {
	https     string // host[:port] for the https:// URL
	haveToken bool
	kind      string // the forge login learned the host runs, or ""
}

func newTokenHosts(stored []string) tokenHosts {
	h := tokenHosts{}
	for _, f := range forge.Known {
		h[f] = tokenHost{https: f}
	}
	for _, s := range stored {
		name := strings.ToLower(credential.HostName(s))
		cur, ok := h[name]
		if !ok || !cur.haveToken {
			h[name] = tokenHost{https: s, haveToken: true, kind: forgeapi.Remembered(s)}
		}
	}
	return h
}

// fixup is a remote URL git uses over SSH or plain http for a host that
// could use a token, and the git command that moves it to HTTPS.
type fixup struct {
	remoteURL
	Host      string // host name the token is for
	Used      string // the URL git uses now
	NewURL    string // what git should use
	HaveToken bool
	Why       string   // "SSH" or "plain http"
	Rule      string   // when a url.<base>.insteadOf setting causes it: that setting
	args      []string // git's arguments that make the change
}

// Command is the exact shell command a person can paste.
func (f fixup) Command() string { return gitCommand(f.args) }

// setURLArgs are git's arguments that set u (a remote's url or pushurl)
// to newURL: with several URLs of u's kind, a regex names u (urlPattern,
// which leaves out a token in it: argv is public). A remote's name and
// URL are the config's, not the user's: when one starts with '-', "--"
// keeps git from reading it as an option.
func setURLArgs(u remoteURL, newURL string) []string {
	args := []string{"remote", "set-url"}
	if u.Push {
		args = append(args, "--push")
	}
	words := []string{u.Remote, newURL}
	if u.Count > 1 {
		words = append(words, urlPattern(u.Raw))
	}
	for _, w := range words {
		if strings.HasPrefix(w, "-") {
			args = append(args, "--")
			break
		}
	}
	return append(args, words...)
}

// gitCommand is the shell command line that runs git with args.
func gitCommand(args []string) string {
	words := append([]string{"git"}, args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// Auto reports whether remotes --fix applies it: a remote's own URL yes; a
// url.insteadOf setting, which affects every repository, no.
func (f fixup) Auto() bool { return f.Rule == "" }

// quoteERE escapes s for a POSIX extended regular expression.
func quoteERE(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.[]{}()*+?^$|`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// toHTTPS returns the https:// URL for an SSH or plain-http URL on a host in
// hosts.
func toHTTPS(used string, hosts tokenHosts) (host, newURL, why string, th tokenHost, ok bool) {
	if strings.HasPrefix(used, "https://") {
		return "", "", "", th, false
	}
	if host, path, isSSH := parseSSH(used); isSSH {
		if th, ok = hosts[host]; ok {
			return host, "https://" + th.https + "/" + forge.HTTPSPathForSSH(th.kind, path), "SSH", th, true
		}
		return "", "", "", th, false
	}
	if hostport, path, isHTTP := parseHTTP(used); isHTTP {
		name := credential.HostName(hostport)
		// A port on an http URL says nothing about the https port: only
		// portless URLs, or the exact host a token is stored for, qualify.
		if th, ok = hosts[name]; ok && (hostport == name || hostport == th.https) {
			return name, "https://" + th.https + "/" + path, "plain http", th, true
		}
	}
	return "", "", "", th, false
}

// planFixes returns what should change so that git reaches every host in
// hosts over HTTPS. A URL that url.insteadOf already rewrites to https://
// needs nothing; one that such a rule rewrites to SSH needs the rule gone.
func planFixes(urls []remoteURL, rules []rewriteRule, hosts tokenHosts) []fixup {
	var out []fixup
	for _, u := range urls {
		type use struct {
			url  string
			push bool // the push side of a url that fetch and push share
		}
		uses := []use{{u.Effective, u.Push}}
		if u.PushToo && u.PushEffective != u.Effective {
			uses = append(uses, use{u.PushEffective, true})
		}
		for i, x := range uses {
			host, newURL, why, th, ok := toHTTPS(x.url, hosts)
			if !ok {
				continue
			}
			f := fixup{remoteURL: u, Host: host, Used: x.url, NewURL: newURL, HaveToken: th.haveToken, Why: why}
			if i == 1 {
				f.remoteURL.Push, f.remoteURL.PushToo = true, false
			}
			if x.url == u.Raw {
				// With several URLs, set-url changes the first matching a regex.
				// The pattern leaves out a token in the URL: argv is public.
				f.args = setURLArgs(u, newURL)
			} else if r, ok := ruleFor(rules, u.Raw, x.url, x.push && !u.Push); ok {
				f.Rule = "url." + redactURL(r.Base) + "." + r.Key + " = " + redactURL(r.Value)
				f.args = []string{"config", "--" + r.Scope, "--unset", "url." + r.Base + "." + r.Key, urlPattern(r.Value)}
				if redactURL(r.Base) != r.Base {
					// The key itself holds a secret: have the user edit the file.
					f.args = []string{"config", "--" + r.Scope, "--edit"}
				}
			} else {
				continue // rewritten by something we cannot name; leave it
			}
			out = append(out, f)
		}
	}
	return out
}
