package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// RemotesOptions are remotes' flags and where it works.
type RemotesOptions struct {
	StoreRef       // optional: hosts with a stored token count too, when it can list
	OpenErr  error // why the store could not be opened, if it could not
	// StoresFor, when set, opens the stores git uses for a URL (its
	// helper lines of ours): a host counts as having a token when one of
	// the stores git uses for https://HOST holds one, not StoreRef.
	StoresFor StoresFor
	Dir       string // the repository
	Fix       bool
	Stdout    io.Writer
	Stderr    io.Writer
}

// storedHosts returns the https hosts the store holds tokens for; a store
// that cannot list (or fails) adds none, with a warning.
func storedHosts(ctx context.Context, s StoreRef, warn func(string)) []string {
	if s.Store == nil {
		return nil
	}
	es, err := s.entries(ctx)
	if err != nil {
		warn(err.Error() + "; only the known forges are checked")
		return nil
	}
	var hosts []string
	for _, c := range es {
		if c.Protocol == "https" {
			hosts = append(hosts, c.Host)
		}
	}
	return hosts
}

// StoresFor opens the stores git uses for a URL: those of the helper lines
// of ours it runs for it that a command can read (the default store when
// there are none), each once.
type StoresFor func(ctx context.Context, url string) ([]StoreRef, error)

// hostsGitHasTokensFor returns the https hosts (host[:port], as stored)
// that the remotes' SSH and plain-http URLs name and that hold a token in
// a store git uses for https://HOST. A store that cannot be opened or
// listed adds none, with a warning.
func hostsGitHasTokensFor(ctx context.Context, urls []remoteURL, storesFor StoresFor, warn func(string)) []string {
	var names, hosts []string
	for _, u := range urls {
		for _, used := range []string{u.Effective, u.PushEffective} {
			name, _, ok := parseSSH(used)
			if !ok {
				var hostport string
				if hostport, _, ok = parseHTTP(used); ok {
					name = credential.HostName(hostport)
				}
			}
			if ok && name != "" && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	for _, name := range names {
		refs, err := storesFor(ctx, "https://"+name)
		if err != nil {
			warn(fmt.Sprintf("the stores git uses for https://%s: %v", name, err))
			continue
		}
		for _, r := range refs {
			es, err := r.entries(ctx)
			if err != nil {
				warn(err.Error())
				continue
			}
			for _, c := range es {
				if c.Protocol == "https" && strings.EqualFold(credential.HostName(c.Host), name) && !slices.Contains(hosts, c.Host) {
					hosts = append(hosts, c.Host)
				}
			}
		}
	}
	return hosts
}

// Remotes prints, for each remote URL git uses over SSH (or plain http)
// with a host that has a stored token or is a known forge, the git command
// that switches it to HTTPS; with Fix it runs those commands.
func Remotes(ctx context.Context, o RemotesOptions) error {
	warn := func(msg string) { fmt.Fprintln(o.Stderr, "git-credential-pat: warning: "+credential.Printable(msg)) }
	// say prints one of the lines below. What they quote (a remote's
	// name, its URL, the command that changes it) is the repository's
	// config, not the user's typing: each is made Printable, so that a
	// name holding a terminal escape (or a URL a newline) cannot drive
	// the terminal or forge a line.
	say := func(format string, args ...any) {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = credential.Printable(s)
			}
		}
		fmt.Fprintf(o.Stdout, format, args...)
	}
	urls, err := listRemotes(ctx, o.Dir)
	if errors.Is(err, errNotRepo) {
		return errors.New("remotes: not in a git repository; cd into one and run: git-credential-pat remotes")
	}
	if err != nil {
		return fmt.Errorf("remotes: %w", err)
	}
	if len(urls) == 0 {
		_, err := fmt.Fprintln(o.Stdout, "This repository has no remotes.")
		return err
	}
	rules, err := rewriteRules(ctx, o.Dir)
	if err != nil {
		return fmt.Errorf("remotes: %w", err)
	}
	if o.OpenErr != nil {
		warn(fmt.Sprintf("store %s cannot be opened (%v); only the known forges are checked", o.Name, o.OpenErr))
	}
	var stored []string
	if o.StoresFor != nil {
		stored = hostsGitHasTokensFor(ctx, urls, o.StoresFor, warn)
	} else {
		stored = storedHosts(ctx, o.StoreRef, warn)
	}
	hosts := newTokenHosts(stored)
	fixes := planFixes(urls, rules, hosts)

	flagged := map[string]bool{}
	for _, f := range fixes {
		flagged[f.Remote+"\x00"+f.Raw] = true
	}
	for _, u := range urls {
		if flagged[u.Remote+"\x00"+u.Raw] {
			continue
		}
		how := "HTTPS"
		switch {
		case strings.HasPrefix(u.Effective, "https://"):
		case strings.HasPrefix(u.Effective, "http://"):
			how = "plain http, on a host with no token and no known forge"
		default:
			if _, _, ok := parseSSH(u.Effective); ok {
				how = "SSH, on a host with no token and no known forge: left alone"
			} else {
				how = "neither SSH nor HTTP: left alone"
			}
		}
		shown := redactURL(u.Raw)
		if u.Effective != u.Raw {
			shown += " (git uses " + redactURL(u.Effective) + ")"
		}
		say("%s (%s): %s: %s\n", u.Remote, u.Kind(), shown, how)
	}
	pending := 0
	for _, f := range fixes {
		note := ""
		if !f.HaveToken {
			note = fmt.Sprintf(" (no token stored for %s yet: git-credential-pat %slogin --host %s)", f.Host, o.flagPrefix(), f.Host)
		}
		if f.Rule != "" {
			say("%s (%s): %s reaches %s over %s because of %s, which affects every repository; remove it yourself with:\n  %s\n", f.Remote, f.Kind(), redactURL(f.Raw), redactURL(f.Used), f.Why, f.Rule, f.Command())
			continue
		}
		if o.Fix {
			if _, err := runGit(ctx, o.Dir, f.args...); err != nil {
				return fmt.Errorf("remotes: %w; run it by hand: %s", err, f.Command())
			}
			say("%s (%s): %s -> %s%s\n", f.Remote, f.Kind(), redactURL(f.Raw), f.NewURL, note)
			continue
		}
		pending++
		say("%s (%s): %s uses %s, so no token is used for it%s; switch it to HTTPS with:\n  %s\n", f.Remote, f.Kind(), redactURL(f.Raw), f.Why, note, f.Command())
	}
	for _, m := range userMismatches(ctx, o.Dir, urls, o.StoresFor, o.StoreRef) {
		if o.Fix {
			if _, err := runGit(ctx, o.Dir, m.args...); err != nil {
				return fmt.Errorf("remotes: %w; run it by hand: %s", err, m.Command())
			}
			say("%s (%s): %s -> %s\n", m.Remote, m.Kind(), m.Raw, withoutUser(m.Raw))
			continue
		}
		pending++
		say("%s; drop the user with:\n  %s\n", m.describe(o.flagPrefix()), m.Command())
	}
	if pending > 0 {
		say("Run git-credential-pat %sremotes --fix to make these changes.\n", o.flagPrefix())
	}
	return nil
}
