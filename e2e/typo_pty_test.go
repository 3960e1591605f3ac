//go:build linux

package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// onTerminal runs our binary with a pseudo-terminal as its stdin, stdout
// and stderr (script(1) copies input to it), and returns what the terminal
// showed and the exit status.
func onTerminal(t *testing.T, e *gittest.Env, input string, args ...string) (string, int) {
	t.Helper()
	script := testenv.Tool(t, "script", "util-linux")
	line := shQuote(bin)
	for _, a := range args {
		line += " " + shQuote(a)
	}
	cmd := exec.Command(script, "-qec", line, "/dev/null")
	cmd.Env, cmd.Dir = e.Vars, e.Home
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("script: %v", err)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n"), code
}

// A person at a terminal gets told about a typo and what get waits for;
// git (no terminal) still sees unknown actions ignored (TestExitCodesAndMessages).
func TestTerminalHints(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	for _, tc := range []struct {
		name  string
		input string
		args  []string
		code  int
		want  string
	}{
		{"typo of login", "", []string{"lgoin"}, 1, `git-credential-pat: unknown command "lgoin"; did you mean login? (git-credential-pat login)`},
		{"typo after flags", "", []string{"--file", file, "lsit"}, 1, `unknown command "lsit"; did you mean list?`},
		{"nothing like a command", "", []string{"frobnicate"}, 1, `git-credential-pat: unknown command "frobnicate"; run git-credential-pat help to see the commands`},
		{"get says what it reads", "protocol=https\nhost=example.com\n\n", []string{"--file", file, "get"}, 0,
			"git-credential-pat get: reading a credential as git sends it: key=value lines (protocol=https, host=github.com), ending with an empty line\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := onTerminal(t, e, tc.input, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, terminal showed:\n%s\nwant exit %d and %q", code, out, tc.code, tc.want)
			}
		})
	}
}
