package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// The README runs ./install.sh before the tests, so an installed
// git-credential-pat may be on PATH. Every way a test reaches the program
// by name must still find the binary this test run built.
func TestTestsRunTheBuiltBinary(t *testing.T) {
	e := gittest.NewEnv(t)
	want, _, _ := runBin(t, e, "", "version")
	file := filepath.Join(e.Home, "creds")
	for _, tc := range []struct {
		name string
		run  func() (string, error)
		want string
	}{
		{"PATH lookup", func() (string, error) {
			cmd := exec.Command("sh", "-c", "command -v git-credential-pat")
			cmd.Env, cmd.Dir = e.Vars, e.Home
			out, err := cmd.Output()
			return string(out), err
		}, bin + "\n"},
		{"git credential-pat", func() (string, error) {
			out, stderr, err := e.Git(t, "", "", "credential-pat", "version")
			return out + stderr, err
		}, want},
		{"helper = pat", func() (string, error) {
			h := []string{"-c", "credential.helper=", "-c", "credential.helper=pat --file " + file}
			if out, stderr, err := e.Git(t, "", "protocol=https\nhost=example.com\nusername=a\npassword=ghp_ByName\n\n", append(h, "credential", "approve")...); err != nil {
				return out + stderr, err
			}
			out, stderr, err := e.Git(t, "", "protocol=https\nhost=example.com\n\n", append(h, "credential", "fill")...)
			return out + stderr, err
		}, "protocol=https\nhost=example.com\nusername=a\npassword=ghp_ByName\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.run()
			if err != nil || got != tc.want {
				t.Fatalf("got %q (%v), want %q: a test reached another git-credential-pat than %s", got, err, tc.want, bin)
			}
		})
	}
	if !strings.HasPrefix(want, "git-credential-pat") {
		t.Fatalf("version = %q", want)
	}
}
