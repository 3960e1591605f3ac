package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// storeFlags returns the global flags in effect (given on the command line,
// or taken from git's helper line by resolveStore), as arguments to pass
// on (for messages with commands to paste, and to compare with git config).
func storeFlags(c *call) []string {
	var g globals
	all := pflag.NewFlagSet("", pflag.ContinueOnError)
	g.register(all)
	from := c.fs
	if c.gfs != nil {
		from = c.gfs
	}
	var args []string
	all.VisitAll(func(f *pflag.Flag) {
		given := from.Lookup(f.Name)
		if given == nil || !given.Changed {
			return
		}
		if given.Value.Type() == "bool" {
			if given.Value.String() == "true" {
				args = append(args, "--"+f.Name)
			}
			return
		}
		args = append(args, "--"+f.Name, given.Value.String())
	})
	return args
}

// storeRef opens the store a command about no one host reads (doctor,
// remotes, agent), quietly: the one git uses for hosts no
// credential.<url>.helper names (see storeRefFor), or, when git runs no
// line of ours for those whose store a command can change, the first store
// a URL-scoped line of ours names, or else the read-only store (env,
// agent) git runs for any host: a default store git never runs would only
// mislead.
func storeRef(c *call) (cli.StoreRef, error) {
	if len(storeFlags(c)) == 0 {
		plain, err := cli.OurHelpers(c.ctx, "", "")
		if writable, _ := cli.WritableHelpers(plain); err == nil && len(writable) == 0 {
			all, err := allOurLines(c)
			if err != nil {
				return cli.StoreRef{}, err
			}
			if anyWritable, _ := cli.WritableHelpers(all); len(anyWritable) > 0 {
				refs, err := refsOf(c, anyWritable)
				if err != nil {
					return cli.StoreRef{}, err
				}
				return refs[0], nil
			}
			if len(plain) > 0 {
				if err := useLine(c, plain[0]); err != nil {
					return cli.StoreRef{}, err
				}
				return openStoreRef(c)
			}
		}
	}
	return storeRefFor(c, "", false)
}

// storeRefFor opens the store git uses for url: the flags of git's helper
// line for it, with the global flags given on the command line on top
// (see resolveStore).
func storeRefFor(c *call, url string, sayDefault bool) (cli.StoreRef, error) {
	if err := resolveStore(c, url, sayDefault); err != nil {
		return cli.StoreRef{}, err
	}
	return openStoreRef(c)
}

// openStoreRef opens the store the flags in effect name (see resolveStore).
func openStoreRef(c *call) (cli.StoreRef, error) {
	s, err := c.g.openStore()
	if err != nil {
		return cli.StoreRef{}, err
	}
	return cli.StoreRef{Store: s, Name: c.g.store, Flags: storeFlags(c), FilePath: filePath(c), Key: storeKey(c)}, nil
}

// filePath is the credentials file when --store names the file store.
func filePath(c *call) string { return backends.FilePath(c.g.store, c.g.opts) }

func loginCmd() command {
	return tokenCmd(cli.Login, "store a token: typed without echo, or piped (gh auth token | git-credential-pat login)", false)
}

func rotateCmd() command {
	return tokenCmd(cli.Rotate, "replace a stored token with a new one, keeping its username and owner", true)
}

// tokenCmd is login and rotate: both read a token and take the same flags.
func tokenCmd(do func(context.Context, cli.LoginOptions) error, summary string, rotate bool) command {
	var o cli.LoginOptions
	return command{
		summary: summary,
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.Host, "host", "github.com", "host (with :port if any) the token is for")
			fs.StringVar(&o.Owner, "owner", "", "user or organization the token is for (https://HOST/OWNER/); sets credential.useHttpPath for the host")
			fs.BoolVar(&o.NoVerify, "no-verify", false, "do not ask the forge's API who the token belongs to and when it expires")
			fs.StringVar(&o.Username, "username", "", "username to store with the token (default: the credential.username git applies to the host, else "+cli.DefaultUsername+"; required for bitbucket.org)")
			fs.StringVar(&o.Expires, "expires", "", "when the token expires: 2025-12-31, an RFC 3339 time, or a duration (30d, 12h)")
			fs.StringVar(&o.Path, "path", "", "repository path (owner/repo.git) when the token is for one repository; needs credential.useHttpPath")
			fs.StringVar(&o.Protocol, "protocol", "https", "protocol of the remote URLs")
			if rotate {
				fs.BoolVar(&o.ViaAPI, "via-api", false, "GitLab: have GitLab issue the new token (self-rotation; the token needs the api or self_rotate scope) instead of reading one")
			}
			fs.StringVar(&o.Ref, "ref", "", "store this secret reference instead of a token, and read nothing from stdin: op://VAULT/ITEM/FIELD, or ref:NAME with --resolver")
		},
		run: func(c *call) error {
			cmd := "login"
			if rotate {
				cmd = "rotate"
			}
			// resolveStore's steps, with git's lines read once for the
			// refusal too.
			ours, urls, _, err := o.TokenLines(c.ctx)
			url := strings.Join(urls, ", ")
			if err != nil {
				return fmt.Errorf("reading the credential helpers git runs for %s: %w%s", forWhatURL(url), err, gitconfig.Advice(err, "git config --show-origin --get-regexp credential"))
			}
			if err := refuseReadOnlyLines(c, cmd, url, ours); err != nil {
				return err
			}
			if err := chooseLine(c, urls[0], forWhatURL(url), ours, false); err != nil {
				return err
			}
			ref, err := openStoreRef(c)
			if err != nil {
				return err
			}
			o.StoreRef, o.Args = ref, c.args
			o.Stdin, o.Stdout, o.Stderr = c.stdin, c.stdout, c.stderr
			return do(c.ctx, o)
		},
	}
}

// refuseReadOnlyLines stops login and rotate, given no store flags, when
// every helper line of ours git runs for url (all) only reads (--store env
// or agent): a token written to the default store instead would sit on
// disk where git never looks, which is what the env store exists to avoid.
func refuseReadOnlyLines(c *call, cmd, url string, all []gitconfig.Helper) error {
	if len(storeFlags(c)) > 0 || len(all) == 0 {
		return nil // the user chose a store, or chooseLine notes there is no line
	}
	if writable, _ := cli.WritableHelpers(all); len(writable) > 0 {
		return nil
	}
	return fmt.Errorf("%s: git runs only %q (%s) for %s, and that store reads tokens but no command writes them; "+
		"give the token to that store (for --store env: export %s with %s, or a forge's token variable), "+
		"or make git keep tokens with: git-credential-pat --store file setup; nothing was stored",
		cmd, all[0].Value, all[0].Where(), url, backends.EnvToken, backends.EnvHost)
}
