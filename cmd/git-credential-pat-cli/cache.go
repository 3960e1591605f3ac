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
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// cacheDaemonCmd is the daemon the cache client starts (hidden).
func cacheDaemonCmd() command {
	return command{
		summary: "run the cache daemon (started by the cache store; not for people)",
		hidden:  true,
		globals: []string{"socket"},
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
		globals: []string{"socket"},
		run: func(c *call) error {
			sub := firstArg(c.args)
			switch sub {
			case "status", "", "clear", "exit":
			default:
				return fmt.Errorf("cache: unknown subcommand %q: use status, clear or exit", sub)
			}
			sockets, err := cacheSockets(c)
			if err != nil {
				return err
			}
			for _, socket := range sockets {
				o := cache.Options{Socket: socket}
				switch sub {
				case "status", "":
					st, err := cache.Status(o)
					if err != nil {
						return err
					}
					cli.PrintCacheStatus(c.stdout, socket, st)
				case "clear":
					err = cache.Clear(o)
				case "exit":
					err = cache.Exit(o)
				}
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// cacheSockets names the daemons cache status, clear and exit act on: the
// one --socket names, else those of every helper line of ours git runs for
// some URL that uses one, else the one of the store git uses for any host
// (the default socket).
func cacheSockets(c *call) ([]string, error) {
	if len(storeFlags(c)) == 0 {
		sockets, err := cli.CacheSockets(c.ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the credential helpers git runs: %w%s", err, gitconfig.Advice(err, "git config --show-origin --get-regexp credential"))
		}
		if len(sockets) > 0 {
			return sockets, nil
		}
	}
	if err := resolveStore(c, "", false); err != nil {
		return nil, err
	}
	socket, err := socketPath(c)
	if err != nil {
		return nil, err
	}
	return []string{socket}, nil
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
