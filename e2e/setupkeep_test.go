package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// globalHelpers is the credential.helper list of ~/.gitconfig.
func globalHelpers(t *testing.T, e *gittest.Env) string {
	t.Helper()
	out, _, _ := e.Git(t, "", "", "config", "--global", "--get-all", "credential.helper")
	return out
}

// Running setup again, in any variant that names no store, keeps the store
// flags of the line already there; only store flags change it.
func TestSetupKeepsTheConfiguredLine(t *testing.T) {
	tests := []struct {
		name string
		args []string // the second setup
		want string   // the line after it; "" = unchanged
		out  string   // in its output
	}{
		{"setup", []string{"setup"}, "", "already uses"},
		{"setup --rewrite-ssh --host github.com", []string{"setup", "--rewrite-ssh", "--host", "github.com"}, "", "added url.https://github.com/.insteadOf = git@github.com:"},
		{"setup from another copy of the program", []string{"OTHER", "setup"}, "OTHER --cache-for 1h0m0s --store keychain", "keeping the flags of"},
		{"store flags replace it", []string{"--store", "file", "setup"}, bin + " --store file", "added credential.helper = " + bin + " --store file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			if _, stderr, code := runBin(t, e, "", "--store", "keychain", "--cache-for", "1h", "setup"); code != 0 {
				t.Fatalf("setup: %s", stderr)
			}
			before := globalHelpers(t, e)
			if before != "\n"+bin+" --cache-for 1h0m0s --store keychain\n" {
				t.Fatalf("first setup wrote %q", before)
			}
			var out, stderr string
			var code int
			if tc.args[0] == "OTHER" {
				// install.sh into another prefix: git runs the new copy, same flags.
				other := filepath.Join(t.TempDir(), "git-credential-pat")
				data, err := os.ReadFile(bin)
				if err != nil || os.WriteFile(other, data, 0o755) != nil {
					t.Fatal(err)
				}
				tc.want = strings.ReplaceAll(tc.want, "OTHER", other)
				out, stderr, code = cmdsRunExe(t, e, other, tc.args[1:]...)
			} else {
				out, stderr, code = runBin(t, e, "", tc.args...)
			}
			if code != 0 || !strings.Contains(out, tc.out) {
				t.Fatalf("%v: exit %d\n%s%s", tc.args, code, out, stderr)
			}
			want := before
			if tc.want != "" {
				want = "\n" + tc.want + "\n"
			}
			if got := globalHelpers(t, e); got != want {
				t.Fatalf("after %v: credential.helper = %q, want %q", tc.args, got, want)
			}
		})
	}
}

// setup refuses a line git could not run, before writing anything; doctor
// fails on such a line when it is already there.
func TestSetupValidatesTheLine(t *testing.T) {
	e := gittest.NewEnv(t)
	gitconfig := filepath.Join(e.Home, ".gitconfig")
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"--store", "files", "setup"}, `unknown store "files"`},
		{[]string{"--store", "file,,env", "setup"}, "empty name"},
		{[]string{"--file", "relative/creds", "setup"}, "--file relative/creds is a relative path"},
		{[]string{"--store", "cache", "--socket", "sock", "setup"}, "--socket sock is a relative path"},
		{[]string{"--lock-timeout", "-1s", "setup"}, "--lock-timeout -1s is negative"},
		{[]string{"--timeout", "soon", "--store", "cache", "setup"}, "want seconds or a duration"},
	}
	for _, tc := range tests {
		_, stderr, code := runBin(t, e, "", tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.err) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", tc.args, code, stderr, tc.err)
		}
		if _, err := os.Stat(gitconfig); err == nil {
			data, _ := os.ReadFile(gitconfig)
			t.Fatalf("%v wrote ~/.gitconfig:\n%s", tc.args, data)
		}
	}

	// A broken line already there (written by hand, or by an older
	// version): setup without store flags does not keep it, doctor fails.
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", bin+" --store files")
	if _, stderr, code := runBin(t, e, "", "setup"); code == 0 || !strings.Contains(stderr, "which cannot work") || !strings.Contains(stderr, `unknown store "files"`) {
		t.Fatalf("setup over a broken line: exit %d, %s", code, stderr)
	}
	out, stderr, code := runBin(t, e, "", "doctor")
	if code == 0 || !strings.Contains(out+stderr, `unknown store "files"`) {
		t.Fatalf("doctor with a broken helper line: exit %d\n%s%s", code, out, stderr)
	}
}

// cmdsRunExe runs another copy of the program, in HOME.
func cmdsRunExe(t *testing.T, e *gittest.Env, exe string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env, cmd.Dir = e.Vars, e.Home
	var o, s strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &s
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return o.String(), s.String(), code
}
