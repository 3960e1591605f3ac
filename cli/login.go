package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
	"github.com/git-credential-pat/git-credential-pat/forge"
	forgeapi "github.com/git-credential-pat/git-credential-pat/forge/api"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// DefaultUsername is stored with a token when --username is not given.
// GitHub, GitLab, Gitea/Forgejo, Azure DevOps and Hugging Face accept any
// non-empty username with a token; this one says what the password is.
// Bitbucket and Gerrit check the username, so there --username is required.
const DefaultUsername = forge.GitHubUsername

// StoreRef is the store a command works on, and how the user named it.
type StoreRef struct {
	Store credential.Store
	Name  string   // the --store name, for messages
	Flags []string // the store flags given on the command line, e.g. --store file --file X
	// FilePath is the credentials file when the store is (or includes) the
	// file store, for permission checks; "" otherwise.
	FilePath string
	// Key is the same for two refs to one store, however their lines
	// spell it (pat, pat --store file): for de-duplicating lists of stores.
	Key string
}

// flagPrefix renders the store flags, followed by a space, for a command a
// person can paste.
func (s StoreRef) flagPrefix() string {
	var b strings.Builder
	for _, a := range s.Flags {
		b.WriteString(shellQuote(a))
		b.WriteByte(' ')
	}
	return b.String()
}

// LoginOptions are login's flags and where it reads and writes.
type LoginOptions struct {
	StoreRef
	Host     string // host[:port], or a URL
	Protocol string
	Path     string
	Owner    string // a user or organization: the token is for https://HOST/OWNER/
	NoVerify bool   // skip asking the forge's API about the token
	ViaAPI   bool   // rotate only: have the forge issue the new token (GitLab self-rotation)
	HTTP     *http.Client
	Username string   // "" means DefaultUsername
	Expires  string   // see expiry.ParseExpiry
	Args     []string // positional arguments, refused: a token never comes from argv
	// Ref is a secret reference (op://..., ref:NAME) to store, marked as
	// one, instead of a token; then nothing is read from Stdin. Only
	// references stored this way are ever resolved.
	Ref    string
	Dir    string // the repository whose remotes are checked afterwards
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time

	bearer bool          // rotate: the entry replaced is a bearer entry (authtype=Bearer)
	gitURL string        // GitURL, kept by Login for afterLogin's helper check
	given  *LoginOptions // the options before Login fills in the configured username, for TokenLines
}

// maxTokenInput bounds what login reads from a pipe.
const maxTokenInput = 64 << 10

// Login reads a token (without echo from a terminal, else from stdin),
// checks its shape, and stores it for the host.
func Login(ctx context.Context, o LoginOptions) error {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	if len(o.Args) > 0 {
		return errors.New("login takes no arguments: the token is read from a prompt or a pipe, never the command line (if you typed a token there, remove it from your shell history); run: git-credential-pat login")
	}
	given := o
	o.gitURL, o.given = o.GitURL(), &given // before the configured username: git matches helper lines without it
	o.Username = o.configuredUsername(ctx)
	c, err := loginTarget("login", o)
	if err != nil {
		return err
	}
	expires, err := expiry.ParseExpiry(o.Expires, now)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if !expires.IsZero() {
		c.PasswordExpiryUTC = expires.Unix()
	}
	if o.Ref != "" {
		return loginRef(ctx, o, c)
	}

	token, err := readToken(o, c)
	if err != nil {
		return err
	}
	info, err := forge.CheckToken(c.Host, token)
	if err != nil {
		return fmt.Errorf("login: token refused: %v; nothing was stored", err)
	}
	if info.Advice != "" {
		fmt.Fprintln(o.Stderr, "git-credential-pat: note: "+info.Advice)
	}
	name := strings.ToLower(credential.HostName(c.Host))
	if main := forge.SSHMainHost(name); main != name {
		// git asks for a token for the host of an HTTPS URL; this one's
		// repositories are reached over HTTPS on another host (a request
		// to it is redirected there, and git then asks for that host's).
		fmt.Fprintf(o.Stderr, "git-credential-pat: note: %s is an SSH host; git's HTTPS remotes for its repositories are on %s, so git asks for the token there, not for %s: git-credential-pat %slogin --host %s\n", name, main, name, o.flagPrefix(), main)
	}
	kind := o.forgeKind(ctx, c.Host, token)
	if err := o.forgeUsername(&c, kind, token); err != nil {
		return err
	}
	if forge.OrgInPath(c.Host) && c.Path == "" {
		fmt.Fprintf(o.Stderr, "git-credential-pat: note: Azure DevOps tokens belong to an organization (the first part of the repository path); store this one with --owner ORG so it answers only there: git-credential-pat %slogin --host %s --owner ORG\n", o.flagPrefix(), c.Host)
	}
	v, verified, err := o.verify(ctx, &c, kind, token)
	if err != nil {
		return err
	}
	c.SetPassword(token)
	if kind == forge.KindBitbucketDC {
		if err := o.bitbucketDC(ctx, &c, v, verified); err != nil {
			return err
		}
	}

	verb := o.storeVerb(ctx, c)
	if err := o.Store.Store(ctx, c); err != nil {
		return fmt.Errorf("login: storing the token in store %s: %w", o.Name, err)
	}
	o.forgetCached(ctx, c)
	if !o.holds(ctx, c) {
		return fmt.Errorf("login: store %s did not keep the token (it is read-only, or keeps another entry for %s that it will not replace); check with: git-credential-pat %slist", o.Name, c.URL(), o.flagPrefix())
	}
	if kind == forge.KindBitbucketDC && forge.Of(c.Host) == "" && forgeapi.Remembered(c.Host) != kind {
		// Known from the token's BBDC- prefix: remembered for the commands
		// that meet the host again (doctor --online, erase, remotes).
		if err := forgeapi.Remember(c.Host, kind); err != nil {
			fmt.Fprintf(o.Stderr, "git-credential-pat: warning: %s runs %s, but remembering that failed: %v\n", c.Host, kind, err)
		}
	}
	what := info.Kind
	if what == "" {
		what = strings.TrimSpace(kind + " token")
	}
	line := fmt.Sprintf("%s %s %s for %s in store %s", verb, what, forge.MaskToken(token), c.URL(), o.Name)
	if c.AuthType != "" {
		line += ", as a bearer token (authtype=" + c.AuthType + ")"
	}
	if c.PasswordExpiryUTC != 0 {
		line += fmt.Sprintf(" (%s, %s)", expiry.DescribeExpiry(c.PasswordExpiryUTC, now), time.Unix(c.PasswordExpiryUTC, 0).UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintln(o.Stdout, line)

	afterLogin(ctx, o, c)
	return nil
}

// storeVerb says what storing c will do: Stored, Replaced or Already stored.
// Already stored only when every entry of c's key is c: another one for
// the key (git's get may answer with it) is replaced.
func (s StoreRef) storeVerb(ctx context.Context, c credential.Credential) string {
	held, other := false, false
	if l, ok := s.Store.(credential.Lister); ok {
		if entries, err := l.List(ctx); err == nil {
			for _, e := range entries {
				switch {
				case !credential.SameKey(e, c):
				case credential.SamePersistent(e, c):
					held = true
				default:
					other = true
				}
			}
		}
	}
	switch {
	case other:
		return "Replaced"
	case held:
		return "Already stored"
	}
	return "Stored"
}

// loginRef stores o.Ref for c, marked as a secret reference: the one way a
// stored password becomes something git-credential-pat resolves. It reads
// nothing from stdin and runs no resolver; the store refuses a reference
// its resolver could not run (ref: without --resolver, say).
func loginRef(ctx context.Context, o LoginOptions, c credential.Credential) error {
	if !backends.LooksLikeReference(o.Ref) {
		// Not echoed: it may be a token typed in the wrong place.
		return errors.New("login: --ref takes a secret reference such as op://Private/GitHub/token or ref:NAME, and this is not one; nothing was stored (a token never goes on the command line: if you typed one there, revoke it and remove it from your shell history, then run git-credential-pat login and paste it)")
	}
	c.SetPassword(o.Ref)
	c.SecretRef = true
	verb := o.storeVerb(ctx, c)
	if err := o.Store.Store(ctx, c); err != nil {
		return fmt.Errorf("login: storing the reference in store %s: %w", o.Name, err)
	}
	if !o.holds(ctx, c) {
		return fmt.Errorf("login: store %s did not keep the reference (it is read-only, or cannot record that an entry is a reference); check with: git-credential-pat %slist", o.Name, o.flagPrefix())
	}
	fmt.Fprintf(o.Stdout, "%s secret reference %s for %s in store %s; it is resolved each time git asks\n", verb, o.Ref, c.URL(), o.Name)
	afterLogin(ctx, o, c)
	return nil
}

// VerifyEnv set to 0 or false turns login's default verification off (for
// air-gapped machines, and for tests that must never reach a real forge).
const VerifyEnv = "GIT_CREDENTIAL_PAT_VERIFY"

// verifyOff reports whether verification is turned off for o.
func (o LoginOptions) verifyOff() bool {
	if o.NoVerify {
		return true
	}
	v := strings.ToLower(os.Getenv(VerifyEnv))
	return v == "0" || v == "false" || v == "off"
}

// VerifyDisabled reports whether GIT_CREDENTIAL_PAT_VERIFY turns forge API
// checks off (login's, and git's erase check).
func VerifyDisabled() bool { return LoginOptions{}.verifyOff() }

// forgeKind names the forge host runs: certain from the name, remembered
// from an earlier login, or told by the token's shape; for any other host,
// when verification is on, its API is asked whether it is Gitea or
// Forgejo (GET /api/v1/version), then whether it is Bitbucket Data Center
// (GET /rest/api/1.0/application-properties), then Gerrit (GET
// /config/server/version), no token sent; a yes is remembered.
func (o LoginOptions) forgeKind(ctx context.Context, host, token string) string {
	kind := forge.Kind(host, forgeapi.Remembered(host), token)
	if kind != "" || o.verifyOff() {
		return kind
	}
	probe, cancel := context.WithTimeout(ctx, forgeapi.EraseCheckTimeout)
	defer cancel()
	for _, p := range []struct {
		kind, runs string
		ask        func(context.Context, *http.Client, string) (string, bool)
	}{
		{forge.KindGitea, "Gitea or Forgejo", forgeapi.ProbeGitea},
		{forge.KindBitbucketDC, forge.KindBitbucketDC, forgeapi.ProbeBitbucketDC},
		{forge.KindGerrit, "Gerrit", forgeapi.ProbeGerrit},
	} {
		if _, ok := p.ask(probe, o.HTTP, host); !ok {
			continue
		}
		if err := forgeapi.Remember(host, p.kind); err != nil {
			fmt.Fprintf(o.Stderr, "git-credential-pat: warning: %s runs %s, but remembering that failed: %v\n", host, p.runs, err)
		}
		return p.kind
	}
	return ""
}

// verify asks the forge's API about the token when the host is a forge
// this program can verify (see forgeapi.BaseFor) and verification is on.
// What it learns fills in what the user did not give: the account login
// as username and the token's expiry. A rejected token is refused;
// an unreachable API only earns a note. verified says whether the API
// answered for the token (then v is what it said).
func (o LoginOptions) verify(ctx context.Context, c *credential.Credential, kind, token string) (v forgeapi.Verification, verified bool, err error) {
	if o.verifyOff() {
		return v, false, nil
	}
	withToken := *c
	withToken.SetPassword(token)
	api, err := forgeapi.BaseFor(withToken, kind)
	if err != nil {
		return v, false, fmt.Errorf("login: %v; nothing was stored (or skip the check with --no-verify)", err)
	}
	if api == "" {
		if why := forgeapi.NotVerified(withToken, kind); why != "" && kind != forge.KindAzure { // Azure's note is above
			fmt.Fprintf(o.Stderr, "git-credential-pat: note: not verified: %s\n", why)
		}
		return v, false, nil
	}
	v, err = forgeapi.VerifyFor(ctx, o.HTTP, kind, api, withToken)
	switch {
	case errors.Is(err, forgeapi.ErrUnreachable):
		fmt.Fprintf(o.Stderr, "git-credential-pat: note: could not verify the token (%v); storing it unverified\n", err)
		return v, false, nil
	case errors.Is(err, forgeapi.ErrSSORequired):
		fmt.Fprintf(o.Stderr, "git-credential-pat: warning: %v\n", err)
		return v, false, nil
	case err != nil:
		return v, false, fmt.Errorf("login: token refused: %v; nothing was stored", err)
	}
	// The login is the server's word: stored only when git can send it
	// (else the forge's default username stays, which it accepts too).
	if o.Username == "" && forgeapi.StorableLogin(v.Login) && !strings.Contains(o.Host, "@") {
		c.SetUsername(v.Login)
	}
	if c.PasswordExpiryUTC == 0 && !v.Expires.IsZero() {
		c.PasswordExpiryUTC = v.Expires.Unix()
	}
	line := "Verified with " + api + ": "
	switch {
	case v.Login != "":
		line += "the token belongs to " + v.Login
	case v.Name != "":
		line += "the token \"" + v.Name + "\" is active"
	default:
		line += "the token is valid"
	}
	if v.Scopes != "" {
		line += "; scopes: " + v.Scopes
	}
	switch {
	case !v.Expires.IsZero():
	case v.ExpiryUnknown:
		line += "; " + kind + " does not say when it expires (record it with --expires)"
	default:
		line += "; it does not expire"
	}
	// The login, token name and scopes are the forge API's words.
	fmt.Fprintln(o.Stdout, credential.Printable(line))
	if v.Missing != "" {
		fmt.Fprintf(o.Stderr, "git-credential-pat: warning: the token lacks %s, which git needs to push (%s needs %s); add it at %s\n", credential.Printable(v.Missing), kind, forge.Scopes(kind), forge.TokenPage(c.Host, kind))
	}
	return v, true, nil
}

// configuredUsername is the username to store: --username (or the user in
// --host), else the credential.username git applies to the host's URL,
// since git then asks for that username and an entry under another would
// never match; else "" (the forge's default is chosen later).
func (o LoginOptions) configuredUsername(ctx context.Context) string {
	if o.Username != "" {
		return o.Username
	}
	c, err := loginTarget("login", o)
	if err != nil || c.Username != DefaultUsername {
		return o.Username // the user in --host, or an error loginTarget reports again
	}
	if u, set, err := gitconfig.CredentialValue(ctx, o.Dir, "username", HostURL(c.Protocol, c.Host, c.Path)); err == nil && set && u != "" {
		return u
	}
	return o.Username
}

// loginTarget builds the credential's identity from the flags of cmd
// (login, rotate), which its errors name.
func loginTarget(cmd string, o LoginOptions) (credential.Credential, error) {
	if o.Owner != "" {
		if o.Path != "" {
			return credential.Credential{}, fmt.Errorf("%s: give --owner or --path, not both", cmd)
		}
		o.Path = o.Owner
	}
	c := credential.Credential{Protocol: o.Protocol, Host: o.Host, Path: strings.Trim(o.Path, "/")}
	hostURL := o.Host
	if !strings.Contains(hostURL, "://") && strings.Contains(hostURL, "@") {
		// alice@example.com: the user a remote https://alice@example.com/
		// names, which git sends as the username, not part of the host.
		hostURL = c.Protocol + "://" + hostURL
		if c.Protocol == "" {
			hostURL = "https://" + o.Host
		}
	}
	if strings.Contains(hostURL, "://") {
		u, err := credential.ParseURL(hostURL)
		if err != nil {
			return c, fmt.Errorf("%s: --host %s: %v", cmd, o.Host, err)
		}
		if u.HasPassword {
			return c, fmt.Errorf("%s: --host must not contain a password; the token is read from a prompt or a pipe", cmd)
		}
		c.Protocol, c.Host = u.Protocol, u.Host
		if c.Path == "" {
			c.Path = u.Path
		}
		if o.Username == "" && u.Username != "" {
			o.Username = u.Username
		}
	}
	if c.Protocol == "" {
		c.Protocol = "https"
	}
	if err := credential.CheckProtocol(c.Protocol); err != nil {
		return c, fmt.Errorf("%s: --protocol: %w; for example: --protocol https", cmd, err)
	}
	// The rule git's store is held to: a "?" or "#" would end the host in
	// the API URL and in the file's line, sending the token elsewhere.
	if c.Host == "" || credential.CheckHost(c.Host) != nil {
		return c, fmt.Errorf("%s: --host %q is not a host name; for example: git-credential-pat %s --host github.com", cmd, o.Host, cmd)
	}
	// git fails "invalid port number" on such a URL, so it would never ask
	// for the entry; refuse before a token is read, sent or stored.
	if err := credential.CheckPort(c.Host); err != nil {
		return c, fmt.Errorf("%s: --host: %v; give the host as in the remote's URL, for example: git-credential-pat %s --host example.com:8443", cmd, err, cmd)
	}
	if strings.ContainsAny(c.Path+o.Username, "\n\r\x00") {
		return c, fmt.Errorf("%s: --path and --username must not contain newlines", cmd)
	}
	if c.Protocol == "http" && !credential.IsLoopback(c.Host) {
		return c, fmt.Errorf("%s: --protocol http would send the token unencrypted to %s; use https", cmd, c.Host)
	}
	user := o.Username
	if user == "" {
		user = DefaultUsername // login replaces it with the forge's own once it has the token
	}
	c.SetUsername(user)
	return c, nil
}

// forgeUsername picks the username for token when the user gave none:
// the one the token's forge documents (GitLab oauth2, Bitbucket's fixed
// names for API and access tokens, Hugging Face's hf_user), else
// DefaultUsername. Where the forge checks it (forge.UsernameNeeded), it
// must be given.
func (o LoginOptions) forgeUsername(c *credential.Credential, kind, token string) error {
	if o.Username != "" || strings.Contains(o.Host, "@") {
		return nil
	}
	if why := forge.UsernameNeededFor(kind, c.Host, token); why != "" {
		return errors.New("login: " + why + "; nothing was stored")
	}
	if u := forge.DefaultUsernameAt(kind, c.Host, c.Path, token); u != "" {
		c.SetUsername(u)
	}
	return nil
}

// readToken reads the token: with a prompt and no echo from a terminal,
// else everything on stdin (one line).
func readToken(o LoginOptions, c credential.Credential) (string, error) {
	if f, ok := o.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(o.Stderr, "Token for %s (input is hidden; create one at %s): ", c.URL(), forge.NewTokenURL(credential.HostName(c.Host)))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(o.Stderr)
		if err != nil {
			return "", fmt.Errorf("login: reading the token from the terminal: %v", err)
		}
		token := strings.TrimSpace(string(b))
		if token == "" {
			return "", errors.New("login: no token entered; nothing was stored; run git-credential-pat login again and paste the token")
		}
		return token, nil
	}
	b, err := io.ReadAll(io.LimitReader(o.Stdin, maxTokenInput+1))
	if err != nil {
		return "", fmt.Errorf("login: reading the token from stdin: %v", err)
	}
	if len(b) > maxTokenInput {
		return "", fmt.Errorf("login: stdin holds more than %d bytes, which is not a token; pipe only the token, for example: gh auth token | git-credential-pat login", maxTokenInput)
	}
	token := string(bytes.TrimSpace(b))
	if token == "" {
		return "", errors.New("login: no token on stdin; pipe one (gh auth token | git-credential-pat login) or run git-credential-pat login in a terminal to paste it")
	}
	if strings.ContainsAny(token, "\n\r") {
		return "", errors.New("login: stdin holds more than one line; pipe only the token, for example: gh auth token | git-credential-pat login")
	}
	return token, nil
}

// afterLogin warns about what would keep git from using the new token:
// git not configured to run this helper with the same store, and SSH or
// plain-http remotes for the host in the current repository.
func afterLogin(ctx context.Context, o LoginOptions, c credential.Credential) {
	warn := func(format string, args ...any) {
		fmt.Fprintf(o.Stderr, "git-credential-pat: warning: "+format+"\n", args...)
	}
	// The first of our lines git runs for the token's URL answers for it.
	url := o.gitURL
	if url == "" {
		url = HostURL(c.Protocol, c.Host, c.Path)
	}
	given := o
	if o.given != nil {
		given = *o.given
	}
	if all, under, scoped, err := given.TokenLines(ctx); err == nil {
		ours, _ := WritableHelpers(all) // an agent or env line first only reads
		if len(ours) == 0 {
			ours = all
		}
		if scoped {
			warnScoped(ctx, o, c, under, ours[0], warn)
		}
		switch {
		case len(ours) == 0:
			if h, ok := unreadLine(ctx, o.Dir, url, o.Name); ok {
				warn("%s", h)
				break
			}
			if users := otherUsersLines(ctx, o.Dir, c); len(users) > 0 {
				warn("git runs git-credential-pat for %s only for the user %s (a remote such as https://%s@%s/...), so it will not see this token stored for %s; log in for that user: git-credential-pat login --host %s --username %s",
					HostURL(c.Protocol, c.Host, ""), strings.Join(users, ", "), users[0], c.Host, credential.Printable(c.Username), shellQuote(c.Host), shellQuote(users[0]))
				break
			}
			warn("git is not configured to use git-credential-pat, so it will not see this token; run: %s", SetupCommand(ctx, o.Dir, url, o.flagPrefix()))
		default:
			if same, theirs := sameStore(ours[0].Value, o.Flags); !same {
				warn("git runs git-credential-pat with %s (%s), not the store this token went to; run: git-credential-pat %s login", theirs, ours[0].Where(), theirs)
			}
		}
	}

	if c.Path != "" && !useHTTPPath(ctx, o.Dir, c) {
		// A path-scoped (owner) token only matches when git sends the path;
		// turn that on for this host alone.
		if err := EnableHTTPPath(ctx, c); err != nil {
			warn("this token is for %s only, but git sends the path only when credential.useHttpPath is true, and setting it failed (%v); run: git config --global credential.%s://%s.useHttpPath true", c.Path, err, c.Protocol, c.Host)
		} else {
			fmt.Fprintf(o.Stdout, "git config --global: set credential.%s://%s.useHttpPath = true (git now sends the repository path, so owner tokens can be told apart)\n", c.Protocol, c.Host)
			if !useHTTPPath(ctx, o.Dir, c) {
				warn("a credential.useHttpPath = false that git reads later still wins for %s://%s, so git will not use this token; find it with: git config --show-origin --get-regexp 'credential\\..*usehttppath'", c.Protocol, c.Host)
			}
		}
	}

	urls, err := listRemotes(ctx, o.Dir)
	if err != nil {
		return
	}
	rules, _ := rewriteRules(ctx, o.Dir)
	hosts := tokenHosts{strings.ToLower(credential.HostName(c.Host)): {https: c.Host, haveToken: true, kind: forgeapi.Remembered(c.Host)}}
	for _, f := range planFixes(urls, rules, hosts) {
		if f.Rule != "" {
			warn("remote %s (%s) reaches %s over %s because of %s, so git will not use this token for it; remove that rule with:\n  %s", f.Remote, f.Kind(), redactURL(f.Used), f.Why, f.Rule, f.Command())
			continue
		}
		warn("remote %s (%s) uses %s (%s), so git will not use this token for it; switch it to HTTPS with:\n  %s", f.Remote, f.Kind(), f.Why, redactURL(f.Raw), f.Command())
	}
}

// warnScoped says, when git runs lines of ours for the token's host only
// under some of its paths (TokenLines), which repositories get the token:
// those under a path whose lines include one with the store it went to
// (line, the one login chose), not those of a path whose lines use
// another store; and the line that gives it to the whole host.
func warnScoped(ctx context.Context, o LoginOptions, c credential.Credential, under []string, line gitconfig.Helper, warn func(string, ...any)) {
	var reach []string
	for _, u := range under {
		lines, err := OurHelpers(ctx, o.Dir, u)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(lines, func(h gitconfig.Helper) bool { same, _ := sameStore(h.Value, o.Flags); return same }) {
			reach = append(reach, redactURL(u))
		}
	}
	if len(reach) == 0 {
		return // the store check below says git does not read this store
	}
	host, scope := HostURL(c.Protocol, c.Host, ""), line.Scope
	if scope == "command" {
		scope = "global"
	}
	warn("git runs git-credential-pat for %s only for the repositories under %s (%s), so only they get this token; to have git use it for every repository there, run: git config --%s --add %s %s",
		host, strings.Join(reach, ", "), line.Where(), scope, shellQuote("credential."+host+".helper"), shellQuote(line.Value))
}

// useHTTPPath reports whether git sends the path for the requests the
// token c is for: credential.useHttpPath as git applies it to the URL it
// matches settings against, path included (URL-scoped settings too, read
// as git does): credential.https://HOST/acme.useHttpPath turns it on for
// the repositories under acme alone. With a path, that URL is one of a
// repository under it (PATH/*: an owner's token serves those); without,
// the host's.
func useHTTPPath(ctx context.Context, dir string, c credential.Credential) bool {
	path := c.Path
	if path != "" {
		path += "/*"
	}
	return useHTTPPathFor(ctx, dir, HostURL(c.Protocol, c.Host, path))
}

// useHTTPPathFor is useHTTPPath for a request to url, as git builds it
// from a remote's URL (scheme://[user@]host/path).
func useHTTPPathFor(ctx context.Context, dir, url string) bool {
	on, _, err := gitconfig.CredentialBool(ctx, dir, "usehttppath", url)
	return err == nil && on
}

// holds reports whether the store now has c (same key and token): through
// List when it can, which never runs a secret resolver, else through Get.
func (s StoreRef) holds(ctx context.Context, c credential.Credential) bool {
	if l, ok := s.Store.(credential.Lister); ok {
		es, err := l.List(ctx)
		if err != nil {
			return false
		}
		for _, e := range es {
			if credential.SameKey(e, c) && e.Password == c.Password && e.SecretRef == c.SecretRef {
				return true
			}
		}
		return false
	}
	got, err := s.Store.Get(credential.Peeking(ctx), c.Persistent())
	return err == nil && got.Password == c.Password && got.SecretRef == c.SecretRef
}

// otherUsersLines returns the users (printable, in git's order) whose
// URL-scoped lines of ours (credential.https://alice@HOST.helper) git runs
// for c's host, when c's username is none of them: git asks those stores
// only for that user, so a token stored for another username is never
// asked for.
func otherUsersLines(ctx context.Context, dir string, c credential.Credential) []string {
	scoped, err := scopedTo(ctx, dir, c.Protocol, c.Host)
	if err != nil {
		return nil
	}
	var users []string
	for _, s := range scoped {
		if s.user == "" {
			continue
		}
		user := s.user
		if u, err := credential.ParseURL(s.url); err == nil && u.Username != "" {
			user = u.Username // %-decoded, as git sends it
		}
		if user == c.Username {
			continue
		}
		if u := credential.Printable(user); !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	return users
}

// unreadLine describes a helper line git runs for url that names
// git-credential-pat in a way IsOurHelper does not take for ours: a bare
// "git-credential-pat ..." (git runs git-credential-git-credential-pat),
// or a shell command (a function) whose store these commands cannot read.
// "git is not configured to use git-credential-pat" would be wrong for
// the second, and unhelpful for the first.
func unreadLine(ctx context.Context, dir, url, store string) (string, bool) {
	chain, _, _, err := gitconfig.ForURL(ctx, dir, url)
	if err != nil {
		return "", false
	}
	for _, h := range chain {
		if !strings.Contains(h.Value, binaryName) || IsOurHelper(h.Value) {
			continue
		}
		v := strings.TrimSpace(h.Value)
		if rest, ok := strings.CutPrefix(v, binaryName); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return fmt.Sprintf("credential.helper %q (%s) makes git run git-credential-%s, which does not exist (git puts git-credential- before a name), so git will not see this token; write the line as %q", redactHelper(h.Value), h.Where(), binaryName, "pat"+redactHelper(rest)), true
		}
		return fmt.Sprintf("git runs %q (%s), which names git-credential-pat in a form these commands cannot read, so this token went to store %s, where that line may not look; if it names another store, give its flags to login: git-credential-pat --file PATH login (or --store NAME)", redactHelper(h.Value), h.Where(), store), true
	}
	return "", false
}

// BearerGitVersion is the first git that sends a bearer credential a
// helper gives (authtype and credential, with capability[]=authtype):
// https://github.com/git/git/blob/master/Documentation/RelNotes/2.46.0.txt
var BearerGitVersion = [2]int{2, 46}

// bitbucketDC settles how a Bitbucket Data Center token goes to git. A
// personal HTTP access token goes with its owner's username, as the
// password (Basic); a project or repository token only as a bearer token:
// "In Git and API calls, you can use the project and repository level
// token only with Bearer authentication. Don't use this token with a
// username in Basic authentication"
// (https://confluence.atlassian.com/bitbucketserver/personal-access-tokens-939515499.html).
// So: a username given (--username, or the user in --host) is used, unless
// the server says the token belongs to another user; the person the server
// names (forgeapi.VerifyBitbucketDC) is used; a token the server calls a
// bearer token only is stored as one (authtype=Bearer, credential=TOKEN,
// no username or password), with a warning when git is older than 2.46,
// which cannot send it, as is a token rotate puts in place of a bearer
// entry without verification; and with neither (verification off or not
// answered) login refuses and asks for the username.
func (o LoginOptions) bitbucketDC(ctx context.Context, c *credential.Credential, v forgeapi.Verification, verified bool) error {
	given := o.Username != "" || strings.Contains(o.Host, "@")
	switch {
	case given && verified && v.Login != "" && !strings.EqualFold(v.Login, c.Username):
		// The login is the server's word: printable, as verify shows it.
		return fmt.Errorf("login: %s says the token belongs to %s, and Bitbucket Data Center takes a personal token only with its owner's username, not %s; run: git-credential-pat %slogin --host %s --username %s; nothing was stored",
			c.Host, credential.Printable(v.Login), c.Username, o.flagPrefix(), c.Host, shellQuote(credential.Printable(v.Login)))
	case given && verified && v.Service != "":
		// The name is the server's word: printable, as verify shows it.
		return fmt.Errorf("login: %s says the token acts as %s, the service user of a project or repository token, which Bitbucket Data Center takes only as a bearer token, never with a username (%s); run: git-credential-pat %slogin --host %s (without --username); nothing was stored",
			c.Host, credential.Printable(v.Service), c.Username, o.flagPrefix(), c.Host)
	case given && verified && v.BearerOnly:
		fmt.Fprintf(o.Stderr, "git-credential-pat: note: %s did not confirm that this is a personal token of %s; if git is refused, it is a project or repository token, which works only as a bearer token: log in again without --username\n", c.Host, c.Username)
	case given:
	case verified && v.BearerOnly, !verified && o.bearer:
		// Unverified, rotate keeps a bearer entry one: the token it
		// replaces was a project or repository token.
		token := c.Password
		c.Password, c.HasPassword = "", false
		c.Username, c.HasUsername = "", false
		c.AuthType, c.Credential = "Bearer", token
		if ok, have := gitSendsBearer(ctx); !ok {
			fmt.Fprintf(o.Stderr, "git-credential-pat: warning: this is a Bitbucket Data Center project or repository token (or one whose user %s did not name), which works only as a bearer token; git sends a bearer token from version %d.%d on, and this git is %s, so it will not use this one: update git, or use a personal HTTP access token with git-credential-pat %slogin --host %s --username YOUR_USERNAME\n",
				c.Host, BearerGitVersion[0], BearerGitVersion[1], have, o.flagPrefix(), c.Host)
		}
	case !verified:
		return errors.New("login: " + forge.BitbucketDCUsernameAdvice(c.Host) + "; nothing was stored")
	}
	return nil
}

// gitSendsBearer reports whether the git on PATH sends bearer credentials
// (BearerGitVersion or later), and its version as git prints it ("an
// unknown version" when it cannot be read: then the answer is no).
func gitSendsBearer(ctx context.Context) (bool, string) {
	out, err := programVersion(ctx, "git")
	if err != nil {
		return false, "an unknown version"
	}
	v := strings.TrimPrefix(out, "git version ")
	var major, minor int
	if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil {
		return false, credential.Printable(v)
	}
	ok := major > BearerGitVersion[0] || major == BearerGitVersion[0] && minor >= BearerGitVersion[1]
	return ok, credential.Printable(v)
}
