package main

import (
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
		var rewrite bool
		var hosts []string
		cmd := setupCmd(func(o cli.SetupOptions) error {
			o.RewriteSSH, o.RewriteHosts = rewrite, hosts
			return do(o)
		}, summary)()
		base := cmd.flags
		cmd.flags = func(fs *pflag.FlagSet) {
			base(fs)
			fs.BoolVar(&rewrite, "rewrite-ssh", false, "also make git use HTTPS for git@HOST: and ssh://git@HOST/ URLs (url.<base>.insteadOf)")
			fs.StringArrayVar(&hosts, "host", nil, "host for --rewrite-ssh (repeatable; default github.com)")
		}
		return cmd
	}
}
