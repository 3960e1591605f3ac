package main

import (
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

// agentCmd runs the agent that answers for containers and remote hosts.
func agentCmd() command {
	var o cli.AgentOptions
	return command{
		summary: "answer gets for containers and SSH hosts on a forwardable socket, for allowed hosts only (like ssh-agent)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringArrayVar(&o.Allow, "allow", nil, "`HOST[/PATH]` the far side may get a token for; repeat for more (nothing is allowed unless listed)")
			fs.DurationVar(&o.TTL, "ttl", 8*time.Hour, "stop after this long (0: until agent --stop)")
			fs.BoolVar(&o.Confirm, "confirm", false, "ask on the agent's terminal before each answer")
			fs.BoolVar(&o.Detach, "detach", false, "run in the background: print the line to export and return")
			fs.StringVar(&o.LogFile, "log", "", "append the request log to this file (default: stderr; with --detach SOCKET.log)")
			fs.BoolVar(&o.List, "list", false, "show what the running agent allows and what it was asked")
			fs.BoolVar(&o.Stop, "stop", false, "stop the running agent")
		},
		run: func(c *call) error {
			// --socket is the agent's socket here, not the cache daemon's:
			// keep it away from the store (--cache-for would use it).
			o.Socket, c.g.opts.Socket = c.g.opts.Socket, ""
			o.OpenStore = func() (credential.Store, error) { return agentStore(c) }
			o.Args = os.Args[1:]
			o.Stdin, o.Stdout, o.Stderr = c.stdin, c.stdout, c.stderr
			return cli.Agent(c.ctx, o)
		},
	}
}

// agentStore is the store the agent answers from: the one the commands
// (list, login) use, opened the same way. This is the one place to change
// when the helper line's store selection comes from git config.
func agentStore(c *call) (credential.Store, error) {
	ref, err := storeRef(c)
	return ref.Store, err
}
