package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// newGlobalFlags is a flag set with only the global flags, bound to g: the
// same definitions git's runs of the helper parse.
func newGlobalFlags(g *globals) *pflag.FlagSet {
	fs := pflag.NewFlagSet("git-credential-pat", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.register(fs)
	return fs
}

// resolveStore makes the command work on the store git uses for url
// (scheme://host[/path]; "" for a host no credential.<url>.helper names):
// the flags of the first git-credential-pat line git runs for it whose
// store a command can change (lines of read-only stores, agent and env, are
// passed over with a note), with the
// global flags given on the command line on top. With no such line the
// command-line flags (or the defaults) stay, and with sayDefault a note
// says so when no store flags were given (login warns in its own words,
// doctor reports it as a check).
func resolveStore(c *call, url string, sayDefault bool) error {
	ours, err := ourLinesFor(c, url)
	if err != nil {
		return err
	}
	return chooseLine(c, url, forWhatURL(url), ours, sayDefault)
}

// ourLinesFor returns the git-credential-pat lines git runs for url, in
// git's order.
func ourLinesFor(c *call, url string) ([]gitconfig.Helper, error) {
	ours, err := cli.OurHelpers(c.ctx, "", url)
	if err != nil {
		return nil, fmt.Errorf("reading the credential helpers git runs for %s: %w%s", forWhatURL(url), err, gitconfig.Advice(err, "git config --show-origin --get-regexp credential"))
	}
	return ours, nil
}

// forWhatURL names url in notes: "any host" for "".
func forWhatURL(url string) string {
	if url == "" {
		return "any host"
	}
	return url
}

// chooseLine is resolveStore once the lines of ours git runs for url
// (forWhat in notes) are known.
func chooseLine(c *call, url, forWhat string, ours []gitconfig.Helper, sayDefault bool) error {
	all := len(ours)
	ours, readOnly := cli.WritableHelpers(ours)
	if len(ours) == 0 {
		switch {
		case len(storeFlags(c)) > 0: // flags given: the user chose
		case readOnly > 0:
			fmt.Fprintf(c.stderr, "git-credential-pat: note: the git-credential-pat helper lines git runs for %s only read tokens (--store agent or env), so this uses the default store %s (choose another with --store)\n", forWhat, c.g.store)
		case sayDefault:
			fmt.Fprintf(c.stderr, "git-credential-pat: note: git runs no git-credential-pat helper for %s, so this uses the default store %s (make git use it with: %s)\n", forWhat, c.g.store, cli.SetupCommand(c.ctx, "", url, ""))
		}
		return nil
	}
	line := ours[0]
	switch {
	case readOnly > 0:
		fmt.Fprintf(c.stderr, "git-credential-pat: note: %d git-credential-pat helper lines apply to %s; this uses the first one whose store a command can change (%d only read, --store agent or env): %s (%s)\n", all, forWhat, readOnly, line.Value, line.Where())
	case len(ours) > 1:
		fmt.Fprintf(c.stderr, "git-credential-pat: note: %d git-credential-pat helper lines apply to %s; this uses the one git runs first: %s (%s)\n", len(ours), forWhat, line.Value, line.Where())
	}
	return useLine(c, line)
}

// useLine makes the command work on the store of one helper line of ours:
// its flags, with the global flags given on the command line on top.
func useLine(c *call, line gitconfig.Helper) error {
	var g globals
	fs := newGlobalFlags(&g)
	err := fs.Parse(cli.LineArgs(line.Value))
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected word %q (git would run it as the command)", fs.Arg(0))
	}
	if err == nil {
		_, err = g.openStore() // what git's runs of the line do first
	}
	if err != nil {
		fix := "git-credential-pat --store NAME setup" + scopeFlag(line.Scope)
		switch {
		case line.Scope == "command":
			fix = "correct it where it is given (git -c, GIT_CONFIG_COUNT or GIT_CONFIG_PARAMETERS)"
		case line.URL != "" || line.EmptyURL:
			// setup writes the line for every host, not this URL's.
			fix = "git config --" + line.Scope + " --edit (and correct that credential.<url>.helper line)"
		}
		return fmt.Errorf("git runs the helper line %q (%s), which cannot work: %v; fix it with: %s", line.Value, line.Where(), err, fix)
	}
	var setErr error
	c.fs.Visit(func(f *pflag.Flag) {
		if fs.Lookup(f.Name) == nil || setErr != nil || !f.Changed {
			return // not a store flag, or one a command took for itself (agent --socket)
		}
		v := f.Value.String()
		if v == "" && f.Value.Type() == "duration" {
			v = "0"
		}
		setErr = fs.Set(f.Name, v)
	})
	if setErr != nil {
		return setErr
	}
	c.g, c.gfs = &g, fs
	return nil
}

// storeRefsFor opens every store git uses for the URLs that a command can
// change, in git's order, each once: git's approve stores a token into
// each of them and its reject erases it from each, so logout must too.
// With one such line or none it is storeRefFor's one store for urls[0].
func storeRefsFor(c *call, urls []string, sayDefault bool) ([]cli.StoreRef, error) {
	lines, err := cli.OurHelpersFor(c.ctx, "", urls)
	if err != nil {
		return nil, fmt.Errorf("reading the credential helpers git runs for %s: %w%s", strings.Join(urls, ", "), err, gitconfig.Advice(err, "git config --show-origin --get-regexp credential"))
	}
	writable, _ := cli.WritableHelpers(lines)
	if len(writable) < 2 {
		first := ""
		if len(urls) > 0 {
			first = urls[0]
		}
		if err := chooseLine(c, first, strings.Join(urls, ", "), lines, sayDefault); err != nil {
			return nil, err
		}
		ref, err := openStoreRef(c)
		return []cli.StoreRef{ref}, err
	}
	fmt.Fprintf(c.stderr, "git-credential-pat: note: %d git-credential-pat helper lines apply to %s; this uses the store of each, as git's approve and reject do\n", len(writable), strings.Join(urls, ", "))
	return refsOf(c, writable)
}

// allStoreRefs opens every store git uses for some host that a command can
// change, each once: the stores list shows. With store flags on the command
// line, or no such line, it is storeRefFor's one store for any host.
func allStoreRefs(c *call, sayDefault bool) ([]cli.StoreRef, error) {
	if len(storeFlags(c)) == 0 {
		ours, err := allOurLines(c)
		if err != nil {
			return nil, err
		}
		if writable, _ := cli.WritableHelpers(ours); len(writable) > 0 {
			return refsOf(c, writable)
		}
	}
	ref, err := storeRefFor(c, "", sayDefault)
	return []cli.StoreRef{ref}, err
}

// allOurLines returns the git-credential-pat lines git runs for some URL.
func allOurLines(c *call) ([]gitconfig.Helper, error) {
	ours, err := cli.AllOurHelpers(c.ctx, "")
	if err != nil {
		return nil, fmt.Errorf("reading the credential helpers git runs: %w%s", err, gitconfig.Advice(err, "git config --show-origin --get-regexp credential"))
	}
	return ours, nil
}

// storeKey is cli.StoreRef.Key for the store c's flags name: the same
// store however a line spells it (pat, pat --store file).
func storeKey(c *call) string {
	file := filePath(c)
	key := c.g.store + "\x00" + file + "\x00" + c.g.opts.Socket
	if file == "" {
		key += "\x00" + strings.Join(storeFlags(c), "\x00")
	}
	return key
}

// refsOf opens the store of each line, in order, each store once; it
// stops at the first line whose store cannot be opened.
func refsOf(c *call, lines []gitconfig.Helper) ([]cli.StoreRef, error) {
	var first error
	refs := openRefs(c, lines, func(err error) bool { first = err; return false })
	if first != nil {
		return nil, first
	}
	return refs, nil
}

// openRefs opens the store of each line, in order, each store once; a line
// whose store cannot be opened goes to failed, which says whether to go on.
func openRefs(c *call, lines []gitconfig.Helper, failed func(error) bool) []cli.StoreRef {
	var refs []cli.StoreRef
	seen := map[string]bool{}
	for _, line := range lines {
		lc := *c
		if err := useLine(&lc, line); err != nil {
			if !failed(err) {
				return refs
			}
			continue
		}
		key := storeKey(&lc)
		if seen[key] {
			continue
		}
		ref, err := openStoreRef(&lc)
		if err != nil {
			if !failed(err) {
				return refs
			}
			continue
		}
		seen[key] = true
		refs = append(refs, ref)
	}
	return refs
}

// storesGitUses is cli.StoresFor for a command run without store flags:
// quietly, the stores of the lines of ours git runs for a URL (and, for a
// URL of a whole host, for its user- and path-scoped lines: a remote of
// that host may name the user or the path) that a command can read
// (refsOf), else the default store. With store flags it is nil: the
// command works on the store they name.
func storesGitUses(c *call) cli.StoresFor {
	if len(storeFlags(c)) > 0 {
		return nil
	}
	plain := *c // before a command's own storeRef takes on a line's flags
	return func(ctx context.Context, url string) ([]cli.StoreRef, error) {
		urls := []string{url}
		if scheme, host, ok := strings.Cut(url, "://"); ok && !strings.ContainsAny(host, "/@") {
			var err error
			if urls, err = cli.HostURLs(ctx, scheme, "", host, "", true, true); err != nil {
				return nil, err
			}
		}
		ours, err := cli.OurHelpersFor(ctx, "", urls)
		if err != nil {
			return nil, err
		}
		if writable, _ := cli.WritableHelpers(ours); len(writable) > 0 {
			return refsOf(&plain, writable)
		}
		lc := plain
		ref, err := openStoreRef(&lc)
		return []cli.StoreRef{ref}, err
	}
}

// scopeFlag is the setup flag that writes into scope.
func scopeFlag(scope string) string {
	switch scope {
	case "local", "system":
		return " --" + scope
	}
	return ""
}

// validateHelperArgs checks the flags of a helper line as git's runs of it
// will parse them, and what parsing alone lets through: the store names,
// durations that cannot be negative, and paths that must not depend on the
// directory git runs in.
func validateHelperArgs(args []string) error {
	var g globals
	fs := newGlobalFlags(&g)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected word %q (git would run it as the command)", fs.Arg(0))
	}
	for _, p := range []struct{ flag, path string }{{"file", g.opts.File}, {"socket", g.opts.Socket}} {
		if p.path != "" && !filepath.IsAbs(p.path) {
			abs, err := filepath.Abs(p.path)
			if err != nil {
				abs = "/FULL/PATH"
			}
			return fmt.Errorf("--%s %s is a relative path, which git resolves from the top of the worktree it runs in, so from a different directory in each repository; give the full path: --%s %s", p.flag, p.path, p.flag, abs)
		}
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"lock-timeout", g.opts.LockTimeout}, {"keychain-timeout", g.opts.KeychainTimeout}, {"resolver-timeout", g.opts.ResolverTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("--%s %v is negative; give a duration like 5s", d.flag, d.v)
		}
	}
	_, err := g.openStore()
	return err
}
