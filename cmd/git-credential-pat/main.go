// Command git-credential-pat is the program git runs as its credential
// helper. It serves git's get and store (and capability) itself, linking
// only the stores; every other command (login, setup, doctor, help, erase,
// ...) it hands to git-credential-pat-cli next to it, with the same
// arguments, standard streams and exit status. So what git runs on every
// HTTPS request starts like a small Go program, and people's commands keep
// everything they need.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// cliName is the sibling binary that runs every other command.
const cliName = "git-credential-pat-cli"

func main() {
	restrictUmask()
	args := os.Args[1:]
	action, g, ok := parse(args)
	if !ok || !servesHere(action) || action != "capability" && isCharDevice(os.Stdin) {
		os.Exit(handOff(args))
	}
	os.Exit(serve(action, g, os.Stdin, os.Stdout, os.Stderr))
}

// servesHere reports whether this binary answers action itself. erase is
// not among them: git runs it only after a server refused a credential,
// so it is rare and not worth keeping cheap, and the full binary may check
// more before it forgets a token (its helper action is the one place for
// such checks).
func servesHere(action string) bool {
	return action == "get" || action == "store" || action == "capability"
}

// globals are the flags every command accepts (as git-credential-pat-cli
// defines them: --store, --allow-http and each store's own flags).
type globals struct {
	store     string
	opts      backends.Options
	allowHTTP bool
}

// parse reads the command line as git writes it into a helper line:
// --name=value or --name value for the store flags, --allow-http[=bool],
// and the action. Anything else (-h, --help, --, a flag it does not know,
// a value its flag refuses) is not ok: the full binary parses it, so its
// answers and error messages stay the same.
func parse(args []string) (action string, g globals, ok bool) {
	g.store = "file"
	values := map[string]backends.Value{}
	for _, f := range stores.Flags(&g.opts) {
		values[f.Name] = f.Value
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' { // a word ("-" alone is one too)
			if action == "" {
				action = a
			}
			continue
		}
		if a[1] != '-' || a == "--" {
			return "", g, false
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		if name == "allow-http" {
			if !hasVal {
				val = "true"
			}
			b, err := strconv.ParseBool(val)
			if err != nil {
				return "", g, false
			}
			g.allowHTTP = b
			continue
		}
		var v backends.Value
		if name == "store" {
			v = (*stringValue)(&g.store)
		} else if v = values[name]; v == nil {
			return "", g, false
		}
		if !hasVal {
			if i+1 >= len(args) {
				return "", g, false
			}
			i++
			val = args[i]
		}
		if v.Set(val) != nil {
			return "", g, false
		}
	}
	return action, g, true
}

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string     { return string(*s) }
func (s *stringValue) Type() string       { return "string" }

// serve answers git: capability, or get and store through credential.Serve
// (what git-credential-pat-cli's helper actions do, without the hint for a
// person at a terminal: that case goes to the full binary).
func serve(action string, g globals, stdin io.Reader, stdout, stderr io.Writer) int {
	if action == "capability" {
		if _, err := fmt.Fprintf(stdout, "version 0\ncapability %s\ncapability %s\n", credential.CapAuthType, credential.CapState); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	g.opts.Warn = func(msg string) { fmt.Fprintln(stderr, "git-credential-pat: warning: "+msg) }
	store, err := stores.Open(g.store, g.opts)
	if err != nil {
		return fail(stderr, err)
	}
	warner := &expiry.ExpiryWarner{W: stderr, StateDir: expiry.DefaultStateDir()}
	srv := &credential.Server{Store: store, AllowHTTP: g.allowHTTP, Returning: warner.Check}
	if os.Getenv("GIT_CREDENTIAL_PAT_DEBUG") == "1" {
		srv.Debug = stderr
	}
	if err := srv.Serve(context.Background(), action, stdin, stdout); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "git-credential-pat: "+strings.ReplaceAll(err.Error(), "\n", " "))
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

// handOff runs git-credential-pat-cli with args and returns its exit
// status (on Unix it replaces this process and does not return).
func handOff(args []string) int {
	p, err := sibling()
	if err == nil {
		err = run(p, args)
	}
	what := "this command"
	if len(args) > 0 {
		what = strings.Join(args, " ")
		if len(what) > 60 {
			what = what[:60] + "..."
		}
	}
	fmt.Fprintf(os.Stderr, "git-credential-pat: %q is run by %s, which cannot start: %v (install both programs with ./install.sh or go install ./cmd/...)\n", what, cliName, err)
	return 1
}
