// Command git-credential-pat-cli is the full git-credential-pat: every
// command people run (login, setup, doctor, help, ...). The lean
// git-credential-pat next to it serves what git runs (get, store,
// capability) and hands everything else to this binary with the same
// arguments. git-credential-pat is a git credential helper for personal access
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
	"slices"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/help"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

func main() {
	cli.RestrictUmask()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// globals are the flags every command accepts: which store, and its
// options (each store declares its own: backends.Flags, stores.Flags).
type globals struct {
	store     string
	opts      backends.Options
	allowHTTP bool
}

func (g *globals) register(fs *pflag.FlagSet) {
	fs.StringVar(&g.store, "store", "file", "where tokens live: "+strings.Join(backends.Names(), ", ")+"; a comma list (env,keychain) tries each in order")
	fs.BoolVar(&g.allowHTTP, "allow-http", false, "also answer for plain http:// remotes on other hosts than localhost (sends the token unencrypted)")
	for _, f := range stores.Flags(&g.opts) {
		fl := fs.VarPF(f.Value, f.Name, "", f.Usage)
		if fl.DefValue == "0s" {
			fl.DefValue = "0" // pflag knows "0s" as zero only for its own duration type
		}
	}
}

// openStore opens the store the global flags name.
func (g *globals) openStore() (credential.Store, error) {
	if g.opts.Warn == nil {
		g.opts.Warn = warn
	}
	return stores.Open(g.store, g.opts)
}

// warn is the one path a store's warnings take to the user: standard
// error, as git shows it, marked as ours.
func warn(msg string) {
	fmt.Fprintln(os.Stderr, "git-credential-pat: warning: "+credential.Printable(msg))
}

// call is what a command gets to run with.
type call struct {
	ctx    context.Context
	g      *globals
	fs     *pflag.FlagSet
	gfs    *pflag.FlagSet // the global flags in effect when not fs (see resolveStore)
	args   []string       // positional arguments after the command name
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
	// globals names the flags every command accepts that this one uses,
	// the ones its help lists: all of them when nil (the commands that
	// work with a store). It still accepts the others, which its help
	// leaves out: git puts its helper line's flags before capability, and
	// --store x version has always worked.
	globals []string
}

// noGlobals is command.globals for a command that uses none of them.
var noGlobals = []string{}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g globals
	// First pass: find the command name, tolerating flags we do not know yet.
	pre := pflag.NewFlagSet("git-credential-pat", pflag.ContinueOnError)
	pre.SetOutput(io.Discard)
	pre.ParseErrorsAllowlist.UnknownFlags = true
	g.register(pre)
	askedHelp := pre.BoolP("help", "h", false, "")
	askedVersion := pre.BoolP("version", "V", false, "")
	_ = pre.Parse(args)
	name := pre.Arg(0)
	if _, ok := commands[name]; !ok && name != "help" {
		// pflag skips the word after an unknown flag as its value; look for
		// the command among the words so the strict parse can name the flag.
		for _, a := range args {
			if _, ok := commands[a]; ok {
				name = a
				break
			}
		}
	}
	if *askedHelp && name == "" || name == "help" {
		if topic := pre.Arg(1); name == "help" && topic != "" && topic != "help" {
			if _, ok := helpDoc().Command(topic); !ok {
				fmt.Fprintln(stderr, "git-credential-pat: help: "+unknownCommand(topic, "help "))
				return 1
			}
		}
		fmt.Fprint(stdout, usage(pre.Arg(1)))
		return 0
	}
	if *askedVersion && (name == "" || name == "version") {
		// --version with no command is what people try first (git
		// --version): run the version command, with the other flags
		// still checked by its parse. With the version command as well,
		// it asks for the same thing.
		args = versionArgs(args, name == "")
		name = "version"
	}
	newCmd, ok := commands[name]
	if !ok {
		if name == "" {
			fmt.Fprint(stderr, usage(""))
			return 1
		}
		if isTerminal(stdin) || args[len(args)-1] != name {
			// Not git, which pipes the credential in and puts the action
			// last: a person's or a script's typo (lgin --host x).
			fmt.Fprintln(stderr, "git-credential-pat: "+unknownCommand(name, ""))
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
	if *askedHelp {
		fmt.Fprint(stdout, usage(name))
		return 0
	}
	if fs.NArg() == 0 || fs.Arg(0) != name {
		// A flag without its value took the command word for it, as in
		// a helper line "git-credential-pat --file" that git runs as
		// "git-credential-pat --file get".
		flag := "a flag"
		for i, a := range args {
			if a == name && i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=") {
				flag = args[i-1]
				break
			}
		}
		fmt.Fprintf(stderr, "git-credential-pat: %s took %q as its value, so no command is left; give %s a value (see git-credential-pat help %s)\n", credential.Printable(flag), name, credential.Printable(flag), name)
		return 1
	}
	c := &call{ctx: context.Background(), g: &g, fs: fs, args: fs.Args()[1:], stdin: stdin, stdout: stdout, stderr: stderr}
	if err := cmd.run(c); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			return int(exit)
		}
		// An error may name what git or a server chose (a host, a path).
		fmt.Fprintln(stderr, "git-credential-pat: "+credential.Printable(strings.ReplaceAll(err.Error(), "\n", " ")))
		return 1
	}
	return 0
}

// versionArgs is args without --version or -V, and with the version
// command added last, like any other command, when addCommand is set
// (args name no command).
func versionArgs(args []string, addCommand bool) []string {
	var out []string
	for _, a := range args {
		if a != "--version" && a != "-V" && !strings.HasPrefix(a, "--version=") {
			out = append(out, a)
		}
	}
	if addCommand {
		out = append(out, "version")
	}
	return out
}

// exitError ends a command with a status and no further message (the
// command has already said what went wrong).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usage is the help text: overall, or for one command with its flags.
func usage(name string) string { return help.Usage(helpDoc(), name) }

// helpDoc gathers what help, man and completion print from the command
// table and the flag definitions, so the three cannot drift apart.
func helpDoc() help.Help {
	h := help.Help{Program: "git-credential-pat", Intro: intro}
	all := pflag.NewFlagSet("", pflag.ContinueOnError)
	var g globals
	g.register(all)
	h.Globals, h.GlobalUsages = helpFlags(all, nil), all.FlagUsages()
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cmd := commands[n]()
		fs := pflag.NewFlagSet(n, pflag.ContinueOnError)
		var g globals
		g.register(fs)
		if cmd.globals != nil {
			fs.VisitAll(func(f *pflag.Flag) {
				f.Hidden = !slices.Contains(cmd.globals, f.Name)
			})
		}
		if cmd.flags != nil {
			cmd.flags(fs)
		}
		h.Commands = append(h.Commands, help.HelpCommand{Name: n, Summary: cmd.summary, Hidden: cmd.hidden, Flags: helpFlags(fs, all), Globals: cmd.globals, Usages: fs.FlagUsages()})
	}
	for _, n := range backends.Names() {
		h.Stores = append(h.Stores, help.HelpStore{Name: n, Summary: backends.Help(n)})
	}
	return h
}

// helpFlags describes the flags in fs that are not in skip, as help shows
// them (pflag's rules for the value name and the default).
func helpFlags(fs, skip *pflag.FlagSet) []help.HelpFlag {
	var out []help.HelpFlag
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || skip != nil && skip.Lookup(f.Name) != nil {
			return
		}
		arg, text := pflag.UnquoteUsage(f)
		def := f.DefValue
		switch {
		case f.Value.Type() == "string" && def != "":
			def = fmt.Sprintf("%q", def)
		case def == "false" || def == "0" || def == "0s" || def == "[]" || def == "<nil>":
			def = ""
		}
		out = append(out, help.HelpFlag{Name: f.Name, Shorthand: f.Shorthand, Arg: arg, Default: def, Usage: text})
	})
	return out
}

const intro = `git-credential-pat: a git credential helper for personal access tokens.

Set it up once (writes ~/.gitconfig; an empty credential.helper line first
resets helpers inherited from wider config):
  git-credential-pat setup [--store NAME] [--local|--system]

git then runs it as "git-credential-pat [flags] get|store|erase", with a
credential as key=value lines on stdin (see git help credential).
`
