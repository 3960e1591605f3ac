package main

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/cache/daemon"
	"github.com/git-credential-pat/git-credential-pat/cli"
)

// cacheDaemonCmd is the daemon the cache client starts (hidden).
func cacheDaemonCmd() command {
	return command{
		summary: "run the cache daemon (started by the cache store; not for people)",
		hidden:  true,
		run: func(c *call) error {
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			socket, err := socketPath(c)
			if err != nil {
				return err
			}
			return daemon.Run(ctx, socket)
		},
	}
}

// cacheCmd manages the daemon: cache status|clear|exit.
func cacheCmd() command {
	return command{
		summary: "cache status|clear|exit: show, empty or stop the in-memory cache daemon",
		flags:   func(*pflag.FlagSet) {},
		run: func(c *call) error {
			// The daemon of the store git uses (its --socket).
			if err := resolveStore(c, "", false); err != nil {
				return err
			}
			socket, err := socketPath(c)
			if err != nil {
				return err
			}
			o := cache.Options{Socket: socket}
			switch sub := firstArg(c.args); sub {
			case "status", "":
				st, err := cache.Status(o)
				if err != nil {
					return err
				}
				cli.PrintCacheStatus(c.stdout, socket, st)
				return nil
			case "clear":
				return cache.Clear(o)
			case "exit":
				return cache.Exit(o)
			default:
				return fmt.Errorf("cache: unknown subcommand %q: use status, clear or exit", sub)
			}
		},
	}
}

func socketPath(c *call) (string, error) {
	if c.g.opts.Socket != "" {
		return c.g.opts.Socket, nil
	}
	return cache.DefaultSocket()
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
