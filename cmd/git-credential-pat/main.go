// Command git-credential-pat is a git credential helper for personal access
// tokens. git runs it as credential.helper; people run its commands.
// This package only parses flags and dispatches into cli, credential and
// backends.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

func main() {
	cli.RestrictUmask()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// globals are the flags every command accepts: which store, and its options.
type globals struct {
	store     string
	opts      backends.Options
	allowHTTP bool
}

func (g *globals) register(fs *pflag.FlagSet) {
	fs.StringVar(&g.store, "store", "file", "where tokens live: "+strings.Join(backends.Names(), ", "))
	fs.StringVar(&g.opts.File, "file", "", "credentials file for --store file (default $XDG_CONFIG_HOME/git-credential-pat/credentials)")
	fs.DurationVar(&g.opts.LockTimeout, "lock-timeout", 0, "how long to wait for the file store's lock (default 1s)")
	fs.BoolVar(&g.allowHTTP, "allow-http", false, "also answer for plain http:// remotes on other hosts than localhost (sends the token unencrypted)")
}

// openStore opens the store the global flags name.
func (g *globals) openStore() (credential.Store, error) { return backends.Open(g.store, g.opts) }

// call is what a command gets to run with.
type call struct {
	ctx    context.Context
	g      *globals
	fs     *pflag.FlagSet
	args   []string // positional arguments after the command name
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand: its one-line summary, its own flags (bound to
// variables its constructor closes over) and what it does.
type command struct {
	summary string
	hidden  bool
	flags   func(fs *pflag.FlagSet)
	run     func(c *call) error
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g globals
	// First pass: find the command name, tolerating flags we do not know yet.
	pre := pflag.NewFlagSet("git-credential-pat", pflag.ContinueOnError)
	pre.SetOutput(io.Discard)
	pre.ParseErrorsWhitelist.UnknownFlags = true
	g.register(pre)
	help := pre.BoolP("help", "h", false, "")
	_ = pre.Parse(args)
	name := pre.Arg(0)
	if _, ok := commands[name]; !ok {
		// pflag skips the word after an unknown flag as its value; look for
		// the command among the words so the strict parse can name the flag.
		for _, a := range args {
			if _, ok := commands[a]; ok {
				name = a
				break
			}
		}
	}
	if *help && name == "" || name == "help" {
		fmt.Fprint(stdout, usage(pre.Arg(1)))
		return 0
	}
	newCmd, ok := commands[name]
	if !ok {
		if name == "" {
			fmt.Fprint(stderr, usage(""))
			return 1
		}
		// git's protocol: a helper ignores actions it does not know.
		return 0
	}
	cmd := newCmd()
	fs := pflag.NewFlagSet("git-credential-pat "+name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g = globals{}
	g.register(fs)
	fs.BoolP("help", "h", false, "show help for this command")
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "git-credential-pat: %v (see git-credential-pat help %s)\n", err, name)
		return 1
	}
	if *help {
		fmt.Fprint(stdout, usage(name))
		return 0
	}
	c := &call{ctx: context.Background(), g: &g, fs: fs, args: fs.Args()[1:], stdin: stdin, stdout: stdout, stderr: stderr}
	if err := cmd.run(c); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			return int(exit)
		}
		fmt.Fprintln(stderr, "git-credential-pat: "+strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	return 0
}

// exitError ends a command with a status and no further message (the
// command has already said what went wrong).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usage is the help text: overall, or for one command with its flags.
func usage(name string) string {
	var b strings.Builder
	if newCmd, ok := commands[name]; ok && name != "" {
		cmd := newCmd()
		fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
		var g globals
		g.register(fs)
		if cmd.flags != nil {
			cmd.flags(fs)
		}
		fmt.Fprintf(&b, "git-credential-pat %s: %s\n\nFlags:\n%s", name, cmd.summary, fs.FlagUsages())
		return b.String()
	}
	b.WriteString(intro)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	b.WriteString("\nCommands:\n")
	for _, n := range names {
		if cmd := commands[n](); !cmd.hidden {
			fmt.Fprintf(&b, "  %-12s %s\n", n, cmd.summary)
		}
	}
	fs := pflag.NewFlagSet("", pflag.ContinueOnError)
	var g globals
	g.register(fs)
	fmt.Fprintf(&b, "\nFlags for every command:\n%s\nStores:\n", fs.FlagUsages())
	for _, n := range backends.Names() {
		fmt.Fprintf(&b, "  %-12s %s\n", n, backends.Help(n))
	}
	b.WriteString("\nRun git-credential-pat help COMMAND for a command's flags.\n")
	return b.String()
}

const intro = `git-credential-pat: a git credential helper for personal access tokens.

Set it up once (writes ~/.gitconfig; an empty credential.helper line first
resets helpers inherited from wider config):
  git-credential-pat setup [--store NAME] [--local|--system]

git then runs it as "git-credential-pat [flags] get|store|erase", with a
credential as key=value lines on stdin (see git help credential).
`
