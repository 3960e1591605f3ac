package main

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
)

func logoutCmd() command {
	var o cli.LogoutOptions
	var owner string
	return command{
		summary: "remove stored tokens (exactly the ones that match) and say which",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.Host, "host", "github.com", "host whose token to remove")
			fs.StringVar(&o.Username, "username", "", "only the token stored with this username")
			fs.StringVar(&o.Path, "path", "", "only the token stored for this repository path")
			fs.StringVar(&owner, "owner", "", "only the token stored for this user or organization (as login --owner stored it); the same as --path OWNER")
			fs.BoolVar(&o.All, "all", false, "remove every matching token (every host, unless --host is given)")
			fs.StringVar(&o.Protocol, "protocol", "", "only the token stored for this protocol (for example http, for a loopback server); it also picks the helper lines git runs for it (default https)")
		},
		run: func(c *call) error {
			if o.All && !c.fs.Changed("host") {
				o.Host = ""
			}
			o.HasUsername = c.fs.Changed("username")
			o.HasPath = c.fs.Changed("path")
			if c.fs.Changed("owner") {
				if o.HasPath {
					return errors.New("logout: give --owner or --path, not both")
				}
				o.Path, o.HasPath = owner, true
			}
			user := "" // in the URL, as a remote for that user names it
			if o.HasUsername {
				user = o.Username
			}
			var refs []cli.StoreRef
			var err error
			if o.Host == "" { // --all of every host: every store git uses, as list shows them
				refs, err = allStoreRefs(c, true)
			} else {
				// Without --username, the remotes of users that user-scoped
				// lines name reach those lines' stores too; without --path,
				// tokens for a path (login --owner, --path) may be in the
				// stores of path-scoped lines.
				var urls []string
				urls, err = cli.HostURLs(c.ctx, o.Protocol, user, o.Host, o.Path, !o.HasUsername, !o.HasPath)
				if err == nil {
					refs, err = storeRefsFor(c, urls, true)
				}
			}
			if err != nil {
				return err
			}
			o.StoreRef, o.Others, o.Stdout = refs[0], refs[1:], c.stdout
			return cli.Logout(c.ctx, o)
		},
	}
}
