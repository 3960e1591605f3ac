package main

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
)

func doctorCmd() command {
	var o cli.DoctorOptions
	return command{
		summary: "check git config, the store, token expiry and remotes; exit 1 if a check fails",
		flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&o.JSON, "json", false, "print JSON for scripts")
			fs.BoolVar(&o.Online, "online", false, "also check every stored GitHub, GitLab and Gitea/Forgejo token against its API (valid, revoked, insufficient, SSO needed)")
		},
		run: func(c *call) error {
			o.StoresFor = storesGitUses(c)
			// Without store flags, every store git uses for some host (as
			// list shows them), read before storeRef takes a line's flags.
			var all []cli.StoreRef
			if len(storeFlags(c)) == 0 {
				// An error reading the lines shows in the checks of ref;
				// with no line that a command can change, there is no
				// other store. A line whose store cannot be opened is
				// a check of its own: the other lines' stores are still
				// checked.
				if ours, err := allOurLines(c); err == nil {
					writable, _ := cli.WritableHelpers(ours)
					all = openRefs(c, writable, func(err error) bool {
						o.OthersErr = append(o.OthersErr, err)
						return true
					})
				}
			}
			ref, err := storeRef(c)
			if err != nil {
				ref = cli.StoreRef{Name: c.g.store, Flags: storeFlags(c), FilePath: filePath(c), Key: storeKey(c)}
				o.OpenErr = err
			}
			for _, r := range all {
				if r.Key != ref.Key {
					o.Others = append(o.Others, r)
				}
			}
			o.StoreRef, o.Stdout = ref, c.stdout
			if err := cli.Doctor(c.ctx, o); errors.Is(err, cli.ErrChecksFailed) {
				return exitError(1)
			} else {
				return err
			}
		},
	}
}
