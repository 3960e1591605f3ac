package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/agent"
	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
	"github.com/git-credential-pat/git-credential-pat/forge"
	forgeapi "github.com/git-credential-pat/git-credential-pat/forge/api"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// Check statuses.
const (
	StatusOK   = "ok"
	StatusWarn = "warn"
	StatusFail = "fail"
)

// Check is one line of doctor's report.
type Check struct {
	Name    string `json:"check"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"` // a command that fixes it
}

// ErrChecksFailed is returned by Doctor when a check failed; the report
// already says which, so the caller only sets the exit status.
var ErrChecksFailed = errors.New("doctor: some checks failed")

// DoctorOptions are doctor's flags and where it looks.
type DoctorOptions struct {
	StoreRef       // Store is nil when opening it failed (OpenErr)
	OpenErr  error // why the store could not be opened
	// Others are the further stores git uses for some host (a
	// credential.<url>.helper line's, an included file's), checked
	// after StoreRef's, as list shows them.
	Others []StoreRef
	// OthersErr says why the store of a further line git runs cannot
	// be opened (git's runs of that line fail too).
	OthersErr []error
	// StoresFor, when set, is how the remotes check finds whether a host
	// has a token: in the stores git uses for it (see RemotesOptions).
	StoresFor StoresFor
	Dir       string
	JSON      bool
	Online    bool                // also ask the forge's API about each GitHub token
	Getenv    func(string) string // environment for detecting CI; nil = os.Getenv
	SysRoot   string              // where /proc and /.dockerenv are looked up; "" = "/"
	HTTP      *http.Client        // for Online; nil = default
	Stdout    io.Writer
	Now       func() time.Time
}

type doctor struct {
	DoctorOptions
	ctx    context.Context
	now    time.Time
	checks []Check
	ours   *helperSetting          // the effective helper line that runs us
	tokens []credential.Credential // nil when the store cannot list
	listed bool                    // tokens is meaningful
	other  bool                    // one of Others: an empty store is not a warning of its own
	filled bool                    // one of Others holds tokens: an empty StoreRef is no warning either
	online *onlineChecks           // shared by the doctors of every store
}

// onlineChecks is what checkOnline has done across the stores: a token git
// stored into two of them is asked about once, and an API override that
// is refused is said once.
type onlineChecks struct {
	asked       map[string]bool // credential URL and token
	overrideErr error
}

func (d *doctor) add(name, status, fix, format string, args ...any) {
	d.checks = append(d.checks, Check{Name: name, Status: status, Message: fmt.Sprintf(format, args...), Fix: fix})
}

// Doctor checks what stands between git and the stored tokens and prints
// one line per check (or JSON). It returns ErrChecksFailed when any failed.
func Doctor(ctx context.Context, o DoctorOptions) error {
	d := &doctor{DoctorOptions: o, ctx: ctx, now: time.Now(), online: &onlineChecks{asked: map[string]bool{}}}
	if o.Now != nil {
		d.now = o.Now()
	}
	// checkStore reports a file readable by other users; the store's own
	// warning, from the first check that reads it, would say it again on
	// stderr. (A private file draws no warning either way.)
	files := []string{}
	if o.OpenErr == nil {
		files = append(files, o.FilePath)
	}
	for _, r := range o.Others {
		files = append(files, r.FilePath)
	}
	for _, f := range files {
		if f != "" {
			backends.ModeReported(f)
		}
	}
	d.checkPath()
	d.checkHelpers()
	d.checkHelperBinary()
	// The store checks for each store git uses, each check for every
	// store before the next check.
	stores := []*doctor{d}
	for _, r := range o.Others {
		s := &doctor{DoctorOptions: o, ctx: ctx, now: d.now, other: true, online: d.online}
		s.StoreRef, s.OpenErr = r, nil
		stores = append(stores, s)
	}
	each := func(check func(*doctor)) {
		for _, s := range stores {
			check(s)
			if s != d {
				d.checks, s.checks = append(d.checks, s.checks...), nil
			}
		}
	}
	each((*doctor).checkStore)
	for _, err := range o.OthersErr {
		if o.OpenErr == nil || err.Error() != o.OpenErr.Error() {
			d.add("store", StatusFail, "", "%v", err)
		}
	}
	for _, s := range stores[1:] {
		d.filled = d.filled || len(s.tokens) > 0
	}
	each((*doctor).checkTokens)
	each((*doctor).checkReferences)
	if o.Online {
		each((*doctor).checkOnline)
		if !slices.ContainsFunc(d.checks, func(c Check) bool { return c.Name == "online" }) {
			d.add("online", StatusOK, "", "no %s tokens to check online", forge.KindsList())
		}
	}
	for _, s := range stores[1:] {
		d.tokens = append(d.tokens, s.tokens...)
	}
	d.checkUseHTTPPath()
	d.checkRemotes()
	d.checkEnvironment()

	failed := false
	for _, c := range d.checks {
		failed = failed || c.Status == StatusFail
	}
	if o.JSON {
		enc := json.NewEncoder(o.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			OK     bool    `json:"ok"`
			Checks []Check `json:"checks"`
		}{!failed, d.checks}); err != nil {
			return err
		}
	} else {
		for _, c := range d.checks {
			line := fmt.Sprintf("%-4s  %-13s  %s", c.Status, c.Name, c.Message)
			if c.Fix != "" {
				line += "; fix: " + c.Fix
			}
			// Checks quote stored paths and usernames, which a server may
			// have chosen, and a forge API's answers.
			fmt.Fprintln(o.Stdout, credential.Printable(line))
		}
	}
	if failed {
		return ErrChecksFailed
	}
	return nil
}

// programVersion runs "exe version" and returns its first line.
func programVersion(ctx context.Context, exe string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, exe, "version").Output()
	if err != nil {
		return "", err
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return v, nil
}

func (d *doctor) checkPath() {
	p, err := exec.LookPath(binaryName)
	if err != nil {
		dir := "THE_INSTALL_DIRECTORY"
		if exe, err := os.Executable(); err == nil {
			dir = filepath.Dir(exe)
		}
		d.add("path", StatusWarn, fmt.Sprintf(`export PATH="$PATH:%s" (in your shell profile)`, dir),
			"%s is not on PATH; git still runs the full path setup wrote, but you need PATH to run these commands", binaryName)
		return
	}
	v, err := programVersion(d.ctx, p)
	if err != nil {
		d.add("path", StatusFail, "./install.sh", "%s on PATH does not run (%s version: %v)", p, p, err)
		return
	}
	d.add("path", StatusOK, "", "%s on PATH is %s", binaryName, p+" ("+v+")")
}

// checkHelpers reports the helpers git runs, in order, for each URL that
// has a token (computed as git does: URL-scoped settings where they match,
// empty values resetting the list), and flags the ones that answer before
// ours or copy our tokens somewhere else.
func (d *doctor) checkHelpers() {
	all, err := configHelpers(d.ctx, d.Dir)
	if err != nil {
		fix := "git config --show-origin --get-regexp credential"
		if errors.Is(err, gitconfig.ErrBadConfig) {
			fix = "git config --global --edit (or the file git names)"
		}
		d.add("helpers", StatusFail, fix, "cannot read git config: %v", err)
		return
	}
	type group struct {
		urls    []string
		applies func(helperSetting) bool
		chain   []helperSetting
		reset   *helperSetting
	}
	var groups []*group
	for _, u := range d.helperURLs(all) {
		var applies func(helperSetting) bool
		if u != "" {
			if applies, err = gitconfig.Matcher(d.ctx, d.Dir, all, u); err != nil {
				d.add("helpers", StatusFail, "", "cannot tell which credential helpers git runs for %s: %v", u, err)
				continue
			}
		}
		chain, reset := gitconfig.Chain(all, applies)
		var found *group
		for _, g := range groups {
			if sameChain(g.chain, chain) {
				found = g
			}
		}
		if found == nil {
			found = &group{applies: applies, chain: chain, reset: reset}
			groups = append(groups, found)
		}
		found.urls = append(found.urls, u)
	}
	for _, g := range groups {
		forURLs := ""
		if len(groups) > 1 {
			forURLs = " (for " + strings.Join(g.urls, ", ") + ")"
		}
		d.checkChain(all, g.chain, g.reset, g.applies, forURLs)
	}
	if d.ours == nil {
		return
	}
	if same, theirs := sameStore(d.ours.Value, d.Flags); !same {
		d.add("helpers", StatusWarn, "git-credential-pat "+theirs+" doctor",
			"git runs git-credential-pat with %s, but this check looked at --store %s", theirs, d.Name)
	}
}

// helperURLs are the URLs whose helpers doctor reports: one per stored
// token (scheme://host[/path], as git matches credential.<url>.helper), or
// "" (a host no URL-scoped setting names) when the store lists none.
func (d *doctor) helperURLs(all []helperSetting) []string {
	var urls []string
	seen := map[string]bool{}
	refs := []StoreRef{}
	if d.Store != nil && d.OpenErr == nil {
		refs = append(refs, d.StoreRef)
	}
	for _, r := range append(refs, d.Others...) {
		if es, err := r.entries(d.ctx); err == nil {
			for _, c := range es {
				if c.Protocol == "" || c.Host == "" {
					continue
				}
				u := HostURL(c.Protocol, c.Host, c.Path)
				if !seen[u] {
					seen[u] = true
					urls = append(urls, u)
				}
			}
		}
	}
	if len(urls) == 0 {
		urls = scopedHelperURLs(d.ctx, d.Dir, all)
	}
	if len(urls) == 0 {
		urls = []string{""}
	}
	return urls
}

// scopedHelperURLs are, when git runs no line of ours for hosts no
// credential.<url>.helper names, the <url>s of the URL-scoped lines of
// ours it runs (as URLs; wildcard ones left out): with an empty store,
// doctor reports the helpers git runs there rather than failing on a
// plain chain that was never meant to hold ours.
func scopedHelperURLs(ctx context.Context, dir string, all []helperSetting) []string {
	if plain, _ := gitconfig.Chain(all, nil); len(oursOf(plain)) > 0 {
		return nil
	}
	var urls []string
	for _, h := range oursOf(gitconfig.Live(ctx, dir, all)) {
		u := h.URL
		if u == "" || strings.Contains(u, "*") {
			continue
		}
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		if !slices.Contains(urls, u) {
			urls = append(urls, u)
		}
	}
	return urls
}

func sameChain(a, b []helperSetting) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkChain reports one list of helpers git runs (for the URLs named in
// forURLs, or for every host when that is "").
func (d *doctor) checkChain(all, chain []helperSetting, lastReset *helperSetting, applies func(helperSetting) bool, forURLs string) {
	setup := "git-credential-pat " + d.flagPrefix() + "setup"
	idx := -1
	for i, h := range chain {
		if IsOurHelper(h.Value) {
			idx = i
			break
		}
	}
	if idx < 0 {
		for _, h := range all {
			if IsOurHelper(h.Value) && (h.URL == "" || applies != nil && applies(h)) && lastReset != nil {
				d.add("helpers", StatusFail, resetFix(lastReset, d.flagPrefix()),
					"an empty credential.helper (%s) comes after git-credential-pat and removes it from the list%s", lastReset.Where(), forURLs)
				return
			}
		}
		d.add("helpers", StatusFail, setup, "git does not run git-credential-pat: no credential.helper names it%s", forURLs)
		return
	}
	ours := chain[idx]
	if d.ours == nil {
		d.ours = &ours
	}
	for _, h := range chain[:idx] {
		d.add("helpers", StatusFail, setupIn(ours.Scope, setup),
			"credential helper %q (%s) runs before git-credential-pat and answers first, with no empty credential.helper line between them to reset it%s", redactHelper(h.Value), h.Where(), forURLs)
	}
	var after []string
	for _, h := range chain[idx+1:] {
		if IsOurHelper(h.Value) {
			d.add("helpers", StatusWarn, setupIn(h.Scope, setup),
				"git-credential-pat is configured more than once: %q (%s) runs again after %q%s", redactHelper(h.Value), h.Where(), redactHelper(ours.Value), forURLs)
			continue
		}
		unset := fmt.Sprintf("git config --%s --unset-all %s %s", h.Scope, shellQuote(h.Key()), shellQuote("^"+quoteERE(h.Value)+"$"))
		if redactHelper(h.Value) != h.Value || redactURL(h.URL) != h.URL {
			// The line holds a secret: no command line that names it.
			unset = fmt.Sprintf("git config --%s --edit (and remove that helper line)", h.Scope)
		}
		switch name := helperName(h.Value); name {
		case "store":
			// The file that line writes: its --file, else git's default.
			file, _ := credentialStoreFile(h.Value)
			d.add("helpers", StatusWarn, unset,
				"credential helper %q (%s) runs after git-credential-pat: git hands it every token it uses, and it writes them to %s in plain text%s", redactHelper(h.Value), h.Where(), file, forURLs)
		case "cache":
			after = append(after, fmt.Sprintf("%q", redactHelper(h.Value)))
		default:
			d.add("helpers", StatusWarn, unset,
				"credential helper %q (%s) runs after git-credential-pat: git hands it every token it uses, and it keeps a copy in its own store%s", redactHelper(h.Value), h.Where(), forURLs)
		}
	}
	if idx == 0 {
		msg := fmt.Sprintf("git runs git-credential-pat first (%s)", ours.Where())
		if len(after) > 0 {
			msg += "; after it " + strings.Join(after, ", ") + " (keeps a copy of each token in memory for a while)"
		}
		d.add("helpers", StatusOK, "", "%s%s", msg, forURLs)
	}
}

// helperName is git's own helper a value runs ("store" for
// "store --file x"), or "" for any other.
func helperName(v string) string {
	if strings.HasPrefix(v, "!") {
		return ""
	}
	w := splitWords(v)
	if len(w) == 0 {
		return ""
	}
	switch strings.TrimPrefix(filepath.Base(w[0]), "git-credential-") {
	case "store":
		return "store"
	case "cache":
		return "cache"
	}
	return ""
}

// setupIn adds the scope flag setup needs to write into scope.
func setupIn(scope, setup string) string {
	switch scope {
	case "local", "system":
		return setup + " --" + scope
	}
	return setup
}

func (d *doctor) checkHelperBinary() {
	if d.ours == nil {
		return
	}
	exe, err := helperExecutable(d.ctx, d.ours.Value)
	if err != nil {
		d.add("helper-binary", StatusFail, "git-credential-pat "+d.flagPrefix()+"setup",
			"git cannot find the program of credential.helper %q: %v", redactHelper(d.ours.Value), err)
		return
	}
	v, err := programVersion(d.ctx, exe)
	if err != nil {
		d.add("helper-binary", StatusFail, "./install.sh", "git runs %s, which fails: %v", exe, err)
		return
	}
	if self := Version(); v != self {
		d.add("helper-binary", StatusWarn, "./install.sh (or run setup from the binary git should use)",
			"git runs %s (%s), but this is %s", exe, v, self)
		return
	}
	d.add("helper-binary", StatusOK, "", "git runs %s (%s)", exe, v)
}

func (d *doctor) checkStore() {
	if d.OpenErr != nil {
		d.add("store", StatusFail, "", "store %s cannot be opened: %v", d.Name, d.OpenErr)
		return
	}
	missing := false
	if d.FilePath != "" {
		path := d.FilePath
		st, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = true
			if err := backends.CheckCreatable(path); err != nil {
				// A read-only or foreign HOME: "the first login creates
				// it" would be wrong.
				d.add("store", StatusFail, "", "store %s: %s does not exist yet, and the first login cannot create it: %v%s", d.Name, path, err, backends.CreateAdvice(err))
			} else {
				d.add("store", StatusOK, "", "store %s: %s does not exist yet (the first login creates it, mode 0600)", d.Name, path)
			}
		case err != nil:
			d.add("store", StatusFail, "", "store file: %v", err)
			return
		case backends.OpenToOthers(st.Mode()):
			d.add("store", StatusFail, "chmod 600 "+shellQuote(path), "store file: %s is readable by other users (mode %04o)", path, st.Mode().Perm())
		}
		if dst, err := os.Stat(filepath.Dir(path)); err == nil && !missing && backends.OpenToOthers(dst.Mode()) {
			d.add("store", StatusWarn, "chmod 700 "+shellQuote(filepath.Dir(path)), "store file: directory %s is open to other users (mode %04o)", filepath.Dir(path), dst.Mode().Perm())
		}
	}
	if a, ok := backends.As[*agent.Client](d.Store); ok {
		// The agent answers nothing when none is reachable (so a chain
		// moves on): the probe below would pass without one.
		if err := a.Reach(d.ctx); err != nil {
			d.add("store", StatusWarn, "on the machine with the tokens: git-credential-pat agent --detach --allow HOST, then forward its socket here (ssh -R) and export "+agent.SocketEnv,
				"store agent: %v", err)
		} else {
			d.add("store", StatusOK, "", "store agent: an agent answers at %s", a.Socket)
		}
		if d.Name == "agent" {
			return // a probe would only be refused and logged by the agent
		}
	}
	// A lookup that matches nothing: proves the store answers, changes nothing.
	probe := credential.Credential{Protocol: "https", Host: "git-credential-pat-doctor.invalid"}
	// Peeking: a look, not git's get, so a store's advice for git's get
	// (the env store's about GIT_CREDENTIAL_PAT_HOST) stays for the checks
	// that own it.
	if _, err := d.Store.Get(credential.Peeking(d.ctx), probe); err != nil && !errors.Is(err, credential.ErrNotFound) {
		d.add("store", StatusFail, "", "store %s does not answer: %v", d.Name, err)
		return
	}
	es, err := d.entries(d.ctx)
	switch {
	case err == nil && missing:
		d.tokens, d.listed = es, true
	case err == nil:
		d.tokens, d.listed = es, true
		where := ""
		if d.FilePath != "" {
			where = " (" + d.FilePath + ")"
		}
		d.add("store", StatusOK, "", "store %s%s answers and holds %d token(s)", d.Name, where, len(es))
	case errors.As(err, new(*cannotListError)):
		d.add("store", StatusOK, "", "store %s answers (it cannot list its entries, so token expiry is not checked)", d.Name)
	default:
		d.add("store", StatusFail, "", "store %s: %v", d.Name, err)
	}
}

// loginFix is the command that replaces c's token.
func (d *doctor) loginFix(c credential.Credential) string {
	s := "git-credential-pat " + d.flagPrefix() + "login --host " + shellQuote(c.Host)
	if c.Protocol != "" && c.Protocol != "https" {
		s += " --protocol " + shellQuote(c.Protocol)
	}
	// login picks DefaultUsername, or the forge's own (GitLab oauth2, ...).
	if c.Username != DefaultUsername && c.Username != forge.DefaultUsernameAt(forge.Kind(c.Host, "", c.Password), c.Host, c.Path, c.Password) {
		s += " --username " + shellQuote(c.Username)
	}
	if c.Path != "" {
		s += " --path " + shellQuote(c.Path)
	}
	return s
}

// usernameNeeded is why a stored token needs a username of its own
// (forge.UsernameNeededWhy), on the forge its host is known or remembered
// to run: "" when it does not, or when it has one (not the placeholder
// login stores when it knows none).
func usernameNeeded(c credential.Credential) string {
	if c.Username != "" && c.Username != DefaultUsername {
		return ""
	}
	return forge.UsernameNeededWhy(forge.Kind(c.Host, forgeapi.Remembered(c.Host), c.Password), c.Host, c.Password)
}

// checkReferences lists the entries whose password looks like a secret
// reference but is not marked as one: such a password is sent as it is,
// never resolved. It came through git's store, which takes any password a
// server accepted (one in a URL, or git credential approve); only
// login --ref marks a reference. Nothing is printed when there are none.
func (d *doctor) checkReferences() {
	for _, c := range d.tokens {
		if c.SecretRef || !c.HasPassword || !backends.LooksLikeReference(c.Password) {
			continue
		}
		// The fix removes it: git's store takes any password a server
		// accepted, so a server can plant one, and marking a planted
		// reference would send the secret it names to that server. Marking
		// is offered only in words, for a reference the user made.
		d.add("references", StatusWarn, d.logoutCommand(c),
			"the password stored for %s looks like a secret reference but was not stored with login --ref, so git sends it as it is and it is never resolved. It came through git's store, where a server you used can put any password (one in a URL); the fix removes it. Only if you made this reference for %s yourself, mark it instead (git will then send the secret it names to %s): %s",
			c.URL(), c.Host, c.Host, d.refFix(c))
	}
}

// logoutCommand is the logout command that removes c alone.
func (d *doctor) logoutCommand(c credential.Credential) string {
	s := "git-credential-pat " + d.flagPrefix() + "logout --host " + shellQuote(c.Host) + " --username " + shellQuote(c.Username)
	if c.Path != "" {
		s += " --path " + shellQuote(c.Path)
	}
	return s
}

// refFix is the login --ref command that marks c's password as a reference.
func (d *doctor) refFix(c credential.Credential) string {
	login := "git-credential-pat " + d.flagPrefix() + "login"
	return login + " --ref " + shellQuote(c.Password) + strings.TrimPrefix(d.loginFix(c), login)
}

func (d *doctor) checkTokens() {
	if !d.listed {
		return
	}
	if len(d.tokens) == 0 {
		if !d.other && !d.filled {
			d.add("tokens", StatusWarn, "git-credential-pat "+d.flagPrefix()+"login", "no tokens stored in store %s", d.Name)
		}
		return
	}
	bad, unknown := 0, 0
	for _, c := range d.tokens {
		var needsUser string // read once: it may read the remembered forges
		if c.HasPassword && !backends.LooksLikeReference(c.Password) {
			needsUser = usernameNeeded(c)
		}
		switch {
		case !c.HasPassword || backends.LooksLikeReference(c.Password):
		case forge.Of(c.Host) == forge.KindBitbucket && strings.HasPrefix(c.Password, forge.BitbucketAppPasswordPrefix):
			bad++
			d.add("tokens", StatusFail, d.loginFix(c), "token %s for %s is a Bitbucket app password: %s", maskedSecret(c), c.URL(), forge.BitbucketAppPasswordAdvice)
		case forge.WrongUsername(c.Password, c.Username) != "":
			bad++
			own := c
			own.Username = "DEPLOY_TOKEN_USERNAME"
			d.add("tokens", StatusFail, d.loginFix(own), "token %s for %s: %s", maskedSecret(c), c.URL(), forge.WrongUsername(c.Password, c.Username))
		case needsUser != "":
			// git sends the placeholder login stores when it knows no
			// username, and this forge checks it: git is refused.
			bad++
			own := c
			own.Username = "YOUR_USERNAME"
			d.add("tokens", StatusFail, d.loginFix(own), "token %s for %s goes with %q: %s", maskedSecret(c), c.URL(), c.Username, needsUser)
		case forge.OrgInPath(c.Host) && c.Path == "":
			d.add("tokens", StatusWarn, "git-credential-pat "+d.flagPrefix()+"login --host "+shellQuote(c.Host)+" --owner ORG", "token %s for %s: %s", maskedSecret(c), c.URL(), forge.AzureGlobalPATAdvice)
		}
		when := ""
		if c.PasswordExpiryUTC != 0 {
			when = time.Unix(c.PasswordExpiryUTC, 0).UTC().Format("2006-01-02 15:04 MST")
		}
		switch left := time.Unix(c.PasswordExpiryUTC, 0).Sub(d.now); {
		case c.PasswordExpiryUTC == 0:
			unknown++
		case left <= 0:
			bad++
			d.add("tokens", StatusFail, d.loginFix(c), "token %s for %s expired %s (%s); git no longer uses it", maskedSecret(c), c.URL(), expiry.Humanize(left), when)
		case left <= expiry.SoonWindow:
			bad++
			d.add("tokens", StatusWarn, d.loginFix(c), "token %s for %s %s (%s); create a new one at %s", maskedSecret(c), c.URL(), expiry.DescribeExpiry(c.PasswordExpiryUTC, d.now), when, forge.NewTokenURL(credential.HostName(c.Host)))
		}
	}
	if bad == 0 {
		in := ""
		if d.other || len(d.Others) > 0 {
			in = " in store " + d.Name
			if d.FilePath != "" {
				in += " (" + d.FilePath + ")"
			}
		}
		msg := fmt.Sprintf("%d token(s)%s, none expired or expiring within 7 days", len(d.tokens), in)
		if unknown > 0 {
			msg += fmt.Sprintf(" (%d with no known expiry; record it with login --expires)", unknown)
		}
		d.add("tokens", StatusOK, "", "%s", msg)
	}
}

// checkOnline asks the API of each stored token's forge (GitHub, GitLab,
// Gitea/Forgejo, Azure DevOps per organization, Bitbucket access tokens
// per repository, Bitbucket Data Center, bearer entries included, Hugging
// Face, Gerrit with the stored username) about it: valid, rejected (revoked or expired),
// insufficient (lacks a scope git needs), or in need of SSO authorization.
// Tokens are never printed, only masked.
func (d *doctor) checkOnline() {
	for _, c := range d.tokens {
		token, ok := forgeapi.Secret(c)
		if !ok || c.HasPassword && backends.LooksLikeReference(c.Password) {
			continue
		}
		if key := c.URL() + "\x00" + token; d.online.asked[key] {
			continue
		} else {
			d.online.asked[key] = true
		}
		withToken := c // a bearer entry's token as the password, for BaseFor and Verify
		withToken.SetPassword(token)
		kind := forge.Kind(c.Host, forgeapi.Remembered(c.Host), token)
		api, err := forgeapi.BaseFor(withToken, kind)
		if err != nil && d.online.overrideErr == nil {
			d.online.overrideErr = err
			d.add("online", StatusFail, "unset "+forgeapi.APIEnv, "%v", err)
		}
		if api == "" {
			if why := forgeapi.NotVerified(withToken, kind); why != "" {
				d.add("online", StatusWarn, "", "token %s for %s not checked: %s", maskedSecret(c), c.URL(), why)
			}
			continue
		}
		v, err := forgeapi.VerifyFor(d.ctx, d.HTTP, kind, api, withToken)
		switch {
		case err == nil && v.Missing != "":
			d.add("online", StatusWarn, forge.TokenPage(c.Host, kind), "token %s for %s is valid but insufficient: it lacks %s (git needs %s)", maskedSecret(c), c.URL(), v.Missing, forge.Scopes(kind))
		case err == nil:
			msg := fmt.Sprintf("token %s for %s is valid", maskedSecret(c), c.URL())
			switch {
			case v.Login != "":
				msg += " (account " + v.Login + ")"
			case v.Name != "":
				msg += " (token " + v.Name + ")"
			}
			if !v.Expires.IsZero() {
				msg += ", " + expiry.DescribeExpiry(v.Expires.Unix(), d.now)
			}
			d.add("online", StatusOK, "", "%s", msg)
		case errors.Is(err, forgeapi.ErrSSORequired):
			d.add("online", StatusWarn, "", "token %s for %s: %v", maskedSecret(c), c.URL(), err)
		case errors.Is(err, forgeapi.ErrUnreachable):
			d.add("online", StatusWarn, "", "token %s for %s not checked: %v", maskedSecret(c), c.URL(), err)
		default:
			d.add("online", StatusFail, strings.Replace(d.loginFix(c), " login ", " rotate ", 1), "token %s for %s: %v", maskedSecret(c), c.URL(), err)
		}
	}
}

// EnvironmentEnv overrides what doctor detects the machine to be.
const EnvironmentEnv = "GIT_CREDENTIAL_PAT_ENVIRONMENT"

// checkEnvironment recognises WSL, containers and CI, where a different
// store serves people better than the desktop default.
func (d *doctor) checkEnvironment() {
	getenv, root := d.Getenv, d.SysRoot
	if getenv == nil {
		getenv = os.Getenv
	}
	if root == "" {
		root = "/"
	}
	read := func(p string) string {
		b, _ := os.ReadFile(filepath.Join(root, p))
		return strings.ToLower(string(b))
	}
	exists := func(p string) bool {
		_, err := os.Stat(filepath.Join(root, p))
		return err == nil
	}
	usesEnv := strings.Contains(","+d.Name+",", ",env,")
	if hosts, bad := forge.TokenHosts(getenv(backends.EnvHost)); usesEnv && getenv(backends.EnvToken) != "" {
		fix := "export " + backends.EnvHost + "=HOST (the host the token belongs to; a comma list of host[:port] or https:// URLs)"
		switch {
		case len(hosts) == 0:
			d.add("env token", StatusWarn, fix, backends.EnvToken+" is set, but "+backends.EnvHost+" names no host, so the env store gives the token to no host")
		case bad > 0:
			d.add("env token", StatusWarn, fix, "%s: %d of its entries name no host", backends.EnvHost, bad)
		}
	}
	// GIT_CREDENTIAL_PAT_ENVIRONMENT (desktop, ci, wsl, container) overrides
	// detection, for setups it gets wrong and for tests.
	is := func(kind string, detected func() bool) bool {
		if v := getenv(EnvironmentEnv); v != "" {
			return v == kind
		}
		return detected()
	}
	switch {
	case is("ci", func() bool {
		return getenv("GITHUB_ACTIONS") == "true" || getenv("CI") == "true" || getenv("GITLAB_CI") == "true"
	}):
		if usesEnv {
			d.add("environment", StatusOK, "", "CI detected; the env store reads GH_TOKEN / GITHUB_TOKEN, or GIT_CREDENTIAL_PAT_TOKEN for the hosts in GIT_CREDENTIAL_PAT_HOST")
		} else {
			d.add("environment", StatusWarn, "git-credential-pat --store env setup", "CI detected: keep tokens in the job's secrets and read them with the env store (GH_TOKEN, GITHUB_TOKEN, or GIT_CREDENTIAL_PAT_TOKEN with GIT_CREDENTIAL_PAT_HOST) instead of storing them on the runner")
		}
	case is("wsl", func() bool {
		return getenv("WSL_DISTRO_NAME") != "" || strings.Contains(read("proc/sys/kernel/osrelease"), "microsoft")
	}):
		d.add("environment", StatusOK, "git config --global credential.helper \"/mnt/c/Users/$WINDOWS_USER/go/bin/git-credential-pat.exe --store keychain\"",
			"WSL detected: to share tokens with Windows, run the Windows build against Windows Credential Manager (install it on the Windows side with go install, then point WSL's git at it)")
	case is("container", func() bool {
		cgroup := read("proc/1/cgroup")
		return exists(".dockerenv") || exists("run/.containerenv") || strings.Contains(cgroup, "kubepods") || strings.Contains(cgroup, "docker")
	}):
		if usesEnv {
			d.add("environment", StatusOK, "", "container detected; the env store reads the token from the container's environment")
		} else {
			d.add("environment", StatusWarn, "git-credential-pat --store env setup", "container detected: pass the token in the environment (docker run -e GH_TOKEN) and use the env store, so it is not written into the image or a volume")
		}
	}
}

func (d *doctor) checkUseHTTPPath() {
	global, err := runGit(d.ctx, d.Dir, "config", "--type=bool", "--get", "credential.useHttpPath")
	on := err == nil && strings.TrimSpace(global) == "true"
	set := err == nil
	problems := 0
	for _, c := range d.tokens {
		if c.Protocol != "https" && c.Protocol != "http" {
			continue
		}
		use := useHTTPPath(d.ctx, d.Dir, c)
		switch {
		case c.Path != "" && !use:
			problems++
			d.add("use-http-path", StatusWarn, "git config --global credential."+c.Protocol+"://"+c.Host+".useHttpPath true",
				"the token for %s is for one path, but git sends paths only when credential.useHttpPath is true, so without one it is the answer for every repository on %s", c.URL(), c.Host)
		}
	}
	if problems == 0 {
		scoped := d.scopedHTTPPath()
		switch {
		case on:
			d.add("use-http-path", StatusOK, "", "credential.useHttpPath is true: git asks per repository path")
		case len(scoped) > 0:
			// login --owner sets it for one host: "not set" would say
			// owner tokens cannot work.
			d.add("use-http-path", StatusOK, "", "credential.useHttpPath is true for %s: git asks per repository path there; one token serves each other host", strings.Join(scoped, ", "))
		case set:
			d.add("use-http-path", StatusOK, "", "credential.useHttpPath is false: one token serves a whole host")
		default:
			d.add("use-http-path", StatusOK, "", "credential.useHttpPath is not set: one token serves a whole host")
		}
	}
}

// scopedHTTPPath are the <url>s of the credential.<url>.useHttpPath
// settings that turn it on where git applies them (the last matching
// setting wins, as git reads them; a wildcard <url> is taken as it is).
func (d *doctor) scopedHTTPPath() []string {
	es, err := gitconfig.List(d.ctx, d.Dir, `^credential\..+\.usehttppath$`, "--type=bool")
	if err != nil {
		return nil
	}
	var urls []string
	for _, e := range es {
		u := strings.TrimSuffix(strings.TrimPrefix(e.Key, "credential."), ".usehttppath")
		if u == "" || e.Value != "true" || slices.Contains(urls, u) {
			continue
		}
		if !strings.Contains(u, "*") {
			full := u
			if !strings.Contains(full, "://") {
				full = "https://" + full
			}
			if on, _, err := gitconfig.CredentialBool(d.ctx, d.Dir, "usehttppath", strings.TrimSuffix(full, "/")+"/"); err != nil || !on {
				continue
			}
		}
		urls = append(urls, u)
	}
	return urls
}

func (d *doctor) checkRemotes() {
	urls, err := listRemotes(d.ctx, d.Dir)
	if errors.Is(err, errNotRepo) {
		d.add("ssh-remotes", StatusOK, "", "not in a git repository; remotes not checked")
		return
	}
	if err != nil {
		d.add("ssh-remotes", StatusFail, "", "cannot read the remotes: %v", err)
		return
	}
	rules, _ := rewriteRules(d.ctx, d.Dir)
	var stored []string
	for _, c := range d.tokens {
		if c.Protocol == "https" {
			stored = append(stored, c.Host)
		}
	}
	if d.StoresFor != nil {
		stored = hostsGitHasTokensFor(d.ctx, urls, d.StoresFor, func(msg string) {
			d.add("ssh-remotes", StatusWarn, "", "%s; only the known forges are checked for it", msg)
		})
	}
	ssh := 0
	for _, f := range planFixes(urls, rules, newTokenHosts(stored)) {
		if f.Why != "SSH" {
			continue
		}
		ssh++
		cause := ""
		if f.Rule != "" {
			cause = " because of " + f.Rule
		}
		d.add("ssh-remotes", StatusWarn, f.Command(), "remote %s (%s) reaches %s over SSH%s, so no token is used for it", f.Remote, f.Kind(), redactURL(f.Used), cause)
	}
	if ssh == 0 {
		d.add("ssh-remotes", StatusOK, "", "no SSH remotes for hosts with a token or a known forge")
	}

	plain := 0
	for _, u := range urls {
		for _, used := range []string{u.Effective, u.PushEffective} {
			if !strings.HasPrefix(used, "http://") {
				continue
			}
			host, path, _ := parseHTTP(used)
			if credential.IsLoopback(host) {
				continue
			}
			plain++
			fix := gitCommand(setURLArgs(u, "https://"+host+"/"+path))
			d.add("http-remotes", StatusWarn, fix, "remote %s (%s) uses plain http (%s): a token would travel unencrypted, so git-credential-pat does not send one", u.Remote, u.Kind(), redactURL(used))
			break
		}
	}
	if plain == 0 {
		d.add("http-remotes", StatusOK, "", "no plain-http remotes")
	}

	for _, m := range userMismatches(d.ctx, d.Dir, urls, d.StoresFor, d.StoreRef) {
		d.add("user-remotes", StatusWarn, m.Command(), "%s", m.describe(d.flagPrefix()))
	}
}
