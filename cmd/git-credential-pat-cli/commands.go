package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
)

// commands maps each subcommand name to its constructor. Adding a command
// is one function and one line here.
var commands = map[string]func() command{
	"get":          helperAction("get"),
	"store":        helperAction("store"),
	"erase":        helperAction("erase"),
	"setup":        setupWithRewrite(cli.Setup, "make git use this helper (idempotent)"),
	"unconfigure":  setupCmd(cli.Unconfigure, "remove what setup added"),
	"version":      versionCmd,
	"capability":   capabilityCmd,
	"login":        loginCmd,
	"rotate":       rotateCmd,
	"logout":       logoutCmd,
	"list":         listCmd,
	"remotes":      remotesCmd,
	"doctor":       doctorCmd,
	"man":          manCmd,
	"completion":   completionCmd,
	"cache":        cacheCmd,
	"cache-daemon": cacheDaemonCmd,
	"agent":        agentCmd,
}

// helperAction is one of git's helper actions, served by credential.Serve.
func helperAction(action string) func() command {
	return func() command {
		return command{
			summary: "git's helper action: read a credential on stdin (key=value lines)",
			run: func(c *call) error {
				store, err := c.g.openStore()
				if err != nil {
					return err
				}
				if action == "erase" {
					store = checkBeforeErase(store, c.stderr)
				}
				if isTerminal(c.stdin) {
					fmt.Fprintf(c.stderr, "git-credential-pat %s: reading a credential as git sends it: key=value lines (protocol=https, host=github.com), ending with an empty line\n", action)
				}
				warner := &expiry.ExpiryWarner{W: c.stderr, StateDir: expiry.DefaultStateDir}
				srv := &credential.Server{Store: store, AllowHTTP: c.g.allowHTTP, Returning: warner.Check}
				if os.Getenv("GIT_CREDENTIAL_PAT_DEBUG") == "1" {
					srv.Debug = c.stderr
				}
				return srv.Serve(c.ctx, action, c.stdin, c.stdout)
			},
		}
	}
}

func setupCmd(do func(cli.SetupOptions) error, summary string) func() command {
	return func() command {
		var local, system bool
		return command{
			summary: summary,
			flags: func(fs *pflag.FlagSet) {
				fs.BoolVar(&local, "local", false, "the current repository's config instead of ~/.gitconfig")
				fs.BoolVar(&system, "system", false, "the system config instead of ~/.gitconfig")
			},
			run: func(c *call) error {
				o := cli.SetupOptions{Scope: "global", Out: c.stdout}
				if local {
					o.Scope = "local"
				} else if system {
					o.Scope = "system"
				}
				// Carry the store flags the user gave into the helper line.
				o.HelperArgs = storeFlags(c)
				o.Validate = validateHelperArgs
				return do(o)
			},
		}
	}
}

// capabilityCmd answers like `git credential capability` (git 2.46).
func capabilityCmd() command {
	return command{
		summary: "list the protocol capabilities this helper supports",
		globals: noGlobals,
		run: func(c *call) error {
			_, err := fmt.Fprintf(c.stdout, "version 0\ncapability %s\ncapability %s\n", credential.CapAuthType, credential.CapState)
			return err
		},
	}
}

func versionCmd() command {
	return command{
		summary: "print version, commit and build date (also --version, -V)",
		globals: noGlobals,
		run: func(c *call) error {
			_, err := fmt.Fprintln(c.stdout, cli.Version())
			return err
		},
	}
}
