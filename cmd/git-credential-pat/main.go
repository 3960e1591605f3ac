// Command git-credential-pat is the program git runs as its credential
// helper. It serves git's get and store (and capability) itself, linking
// only the stores; every other command (login, setup, doctor, help, erase,
// ...) it hands to git-credential-pat-cli next to it, with the same
// arguments, standard streams and exit status. So what git runs on every
// HTTPS request starts like a small Go program, and people's commands keep
// everything they need.

// A process that lives for a few milliseconds has no use for the
// goroutine and timer that keep GOMAXPROCS in step with its cgroup's CPU
// limit while it runs (the limit read at start still applies).
//
//go:debug updatemaxprocs=0
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// cliName is the sibling binary that runs every other command.
const cliName = "git-credential-pat-cli"

func main() {
	restrictUmask()
	args := os.Args[1:]
	a, ok := stores.ParseArgs(args)
	if !ok || !servesHere(a.Action) || a.Action != "capability" && isCharDevice(os.Stdin) {
		os.Exit(handOff(args, a.Action)) // the full binary parses what this one does not, with the same messages
	}
	os.Exit(serve(a, os.Stdin, os.Stdout, os.Stderr))
}

// servesHere reports whether this binary answers action itself. erase is
// not among them: git runs it only after a server refused a credential,
// so it is rare and not worth keeping cheap, and the full binary may check
// more before it forgets a token (its helper action is the one place for
// such checks).
func servesHere(action string) bool {
	return action == "get" || action == "store" || action == "capability"
}

// serve answers git: capability, or get and store through credential.Serve
// (what git-credential-pat-cli's helper actions do, without the hint for a
// person at a terminal: that case goes to the full binary).
func serve(a stores.Args, stdin io.Reader, stdout, stderr io.Writer) int {
	if a.Action == "capability" {
		if _, err := fmt.Fprintf(stdout, "version 0\ncapability %s\ncapability %s\n", credential.CapAuthType, credential.CapState); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	growStack(len(a.Store)) // before the get or store that needs it; capability does not
	a.Options.Warn = func(msg string) { fmt.Fprintln(stderr, "git-credential-pat: warning: "+credential.Printable(msg)) }
	store, err := stores.Open(a.Store, a.Options)
	if err != nil {
		return fail(stderr, err)
	}
	warner := &expiry.ExpiryWarner{W: stderr, StateDir: expiry.DefaultStateDir}
	srv := &credential.Server{Store: store, AllowHTTP: a.AllowHTTP, Returning: warner.Check}
	if os.Getenv("GIT_CREDENTIAL_PAT_DEBUG") == "1" {
		srv.Debug = stderr
	}
	if err := srv.Serve(context.Background(), a.Action, stdin, stdout); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	// git shows it on the terminal, and it may name what git or a server
	// chose (a host, a path): no control character gets through.
	fmt.Fprintln(stderr, "git-credential-pat: "+credential.Printable(strings.ReplaceAll(err.Error(), "\n", " ")))
	return 1
}

// isCharDevice reports whether f is a terminal or another character device:
// not git, which pipes the credential in. The full binary tells a person
// at a terminal what to type.
func isCharDevice(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// sibling is git-credential-pat-cli in this program's directory, or in the
// directory of the file a symbolic link to this program points at.
func sibling() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	name := cliName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	p := filepath.Join(filepath.Dir(exe), name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		if q := filepath.Join(filepath.Dir(real), name); q != p {
			if _, err := os.Stat(q); err == nil {
				return q, nil
			}
		}
	}
	return "", fmt.Errorf("%s is not next to %s", name, exe)
}

// isCommandWord reports whether w looks like one of our command names (a
// few lowercase letters and dashes), so naming it in a message can never
// show a token.
func isCommandWord(w string) bool {
	if w == "" || len(w) > 20 || w[0] == '-' {
		return false
	}
	for i := 0; i < len(w); i++ {
		if (w[i] < 'a' || w[i] > 'z') && w[i] != '-' {
			return false
		}
	}
	return true
}

// handOff runs git-credential-pat-cli with args and returns its exit
// status (on Unix it replaces this process and does not return). action
// is the command word ParseArgs found after the flags, if any.
func handOff(args []string, action string) int {
	p, err := sibling()
	if err == nil {
		err = run(p, args)
	}
	// Only the first word (the command) is named: the rest is whatever
	// was typed, which may be a token put on the command line by mistake.
	what := "this command"
	if isCommandWord(action) {
		what = action
	}
	fmt.Fprintf(os.Stderr, "git-credential-pat: %q is run by %s, which cannot start: %v (install both programs with ./install.sh or go install ./cmd/...)\n", what, cliName, err)
	return 1
}

// growStack gives this goroutine, in one step, the 16 KiB stack that a
// get or a store grows into anyway (a credential travels by value). The
// runtime has grown it to 4 KiB by the time main runs; left alone, it
// grows 8 and then 16 KiB on the way, each copy walking every frame
// through the function tables, in a process that lives about 1.5 ms. An
// 8 KiB frame on a 4 or 8 KiB stack makes the runtime double it to 16
// KiB at once, while the stack is still shallow. Not larger: a 16 KiB
// frame made it allocate 32 KiB, beyond the runtime's stack cache, and
// zero twice the pages. (Counted with a uprobe on runtime.copystack: the
// file and cache get and store, and the keychain's, stay within 16 KiB.)
// It is a hint: if a path ever needs more, the stack grows as usual.
//
//go:noinline
func growStack(i int) byte {
	var frame [8 << 10]byte
	frame[i%len(frame)] = 1 // indexes the compiler cannot know keep the frame
	return frame[(i*7)%len(frame)]
}
