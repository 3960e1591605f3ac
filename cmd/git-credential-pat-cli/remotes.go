package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
)

func remotesCmd() command {
	var o cli.RemotesOptions
	return command{
		summary: "show (or --fix) the current repository's SSH remotes that should use HTTPS and a token",
		flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&o.Fix, "fix", false, "run the git remote set-url commands")
		},
		run: func(c *call) error {
			o.StoresFor = storesGitUses(c)
			ref, err := storeRef(c)
			if err != nil {
				// Without the store, the known forges are still checked.
				ref, o.OpenErr = cli.StoreRef{Name: c.g.store, Flags: storeFlags(c)}, err
			}
			o.StoreRef, o.Stdout, o.Stderr = ref, c.stdout, c.stderr
			return cli.Remotes(c.ctx, o)
		},
	}
}

// setupWithRewrite is setup with --rewrite-ssh and --host, which make git
// reach those hosts' SSH remotes over HTTPS (url.https://HOST/.insteadOf).
func setupWithRewrite(do func(cli.SetupOptions) error, summary string) func() command {
	return func() command {
		var rewrite, currentStore bool
		var hosts []string
		var out io.Writer
		cmd := setupCmd(func(o cli.SetupOptions) error {
			if currentStore {
				return printCurrentStore(o, out)
			}
			o.RewriteSSH, o.RewriteHosts = rewrite, hosts
			return do(o)
		}, summary)()
		base, run := cmd.flags, cmd.run
		cmd.flags = func(fs *pflag.FlagSet) {
			base(fs)
			fs.BoolVar(&rewrite, "rewrite-ssh", false, "also make git use HTTPS for git@HOST: and ssh://git@HOST/ URLs (url.<base>.insteadOf)")
			fs.StringArrayVar(&hosts, "host", nil, "host for --rewrite-ssh (repeatable; default github.com)")
			// For install.sh: print the --store of the line of ours that the
			// scope has (nothing when none), change nothing.
			fs.BoolVar(&currentStore, "current-store", false, "print the store of the existing helper line in the scope")
			_ = fs.MarkHidden("current-store")
		}
		cmd.run = func(c *call) error {
			out = c.stdout
			return run(c)
		}
		return cmd
	}
}

// printCurrentStore prints the --store of the line of ours that git runs
// in the scope, or nothing when there is none.
func printCurrentStore(o cli.SetupOptions, out io.Writer) error {
	line, err := cli.CurrentHelper(o)
	if err != nil || line == "" {
		return err
	}
	var g globals
	if err := newGlobalFlags(&g).Parse(cli.HelperArgs(line)); err != nil {
		return fmt.Errorf("git config --%s runs %s, which cannot work: %v; replace it with: git-credential-pat --store NAME setup", o.Scope, line, err)
	}
	_, err = fmt.Fprintln(out, g.store)
	return err
}
