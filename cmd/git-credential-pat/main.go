// Command git-credential-pat is a git credential helper for personal access
// tokens. git runs it as credential.helper; people run its commands.
// This file only parses flags and dispatches.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

const usage = `git-credential-pat: a git credential helper for personal access tokens

Configure git to use it (writes ~/.gitconfig, resetting other helpers):
  git-credential-pat setup [--store NAME] [--local|--system]

git then runs it for you; by hand:
  git-credential-pat [flags] get|store|erase   read a credential on stdin (key=value lines)
  git-credential-pat setup        make git use this helper (idempotent)
  git-credential-pat unconfigure  remove what setup added
  git-credential-pat version      print version, commit and build date

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("git-credential-pat", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		opts              backends.Options
		storeName         string
		local, system, hp bool
	)
	fs.StringVar(&storeName, "store", "file", "where tokens live: "+strings.Join(backends.Names(), ", "))
	fs.StringVar(&opts.File, "file", "", "credentials file for --store file (default $XDG_CONFIG_HOME/git-credential-pat/credentials)")
	fs.DurationVar(&opts.LockTimeout, "lock-timeout", 0, "how long to wait for the file store's lock (default 1s)")
	fs.BoolVar(&local, "local", false, "setup/unconfigure: the current repository's config")
	fs.BoolVar(&system, "system", false, "setup/unconfigure: the system config")
	fs.BoolVarP(&hp, "help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "git-credential-pat: %v (see git-credential-pat --help)\n", err)
		return 1
	}
	cmd := fs.Arg(0)
	if hp || cmd == "help" {
		fmt.Fprint(stdout, usage+fs.FlagUsages())
		return 0
	}
	setup := cli.SetupOptions{Scope: "global", Out: stdout}
	if local {
		setup.Scope = "local"
	} else if system {
		setup.Scope = "system"
	}
	if fs.Changed("store") {
		setup.HelperArgs = append(setup.HelperArgs, "--store", storeName)
	}
	if fs.Changed("file") {
		setup.HelperArgs = append(setup.HelperArgs, "--file", opts.File)
	}

	var err error
	switch cmd {
	case "get", "store", "erase":
		var store credential.Store
		if store, err = backends.Open(storeName, opts); err == nil {
			err = credential.Serve(context.Background(), cmd, store, stdin, stdout)
		}
	case "setup":
		err = cli.Setup(setup)
	case "unconfigure":
		err = cli.Unconfigure(setup)
	case "version":
		fmt.Fprintln(stdout, cli.Version())
	case "":
		fmt.Fprint(stderr, usage+fs.FlagUsages())
		return 1
	default:
		// git's protocol: a helper ignores actions it does not know.
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "git-credential-pat: "+oneLine(err))
		return 1
	}
	return 0
}

// oneLine keeps an error to a single line, as git shows helper stderr as is.
func oneLine(err error) string {
	var pe *credential.ProtocolError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
