package main

import (
	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
)

func listCmd() command {
	var o cli.ListOptions
	return command{
		summary: "list stored tokens (masked), their hosts, users and expiry",
		flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&o.JSON, "json", false, "print JSON for scripts")
			fs.BoolVar(&o.ShowToken, "show-token", false, "print tokens in full instead of masked")
		},
		run: func(c *call) error {
			refs, err := allStoreRefs(c, true)
			if err != nil {
				return err
			}
			o.StoreRef, o.Others, o.Stdout = refs[0], refs[1:], c.stdout
			return cli.List(c.ctx, o)
		},
	}
}
