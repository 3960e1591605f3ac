package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// A stored host name is data: completing --host in bash, zsh or fish
// never runs it, and bash offers only host names that are plain words.
func TestCompletionNeverRunsStoredHosts(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	binDir := filepath.Join(dir, "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(binDir, "git-credential-pat")); err != nil {
		t.Fatal(err)
	}
	e.Setenv("PATH", binDir+string(os.PathListSeparator)+e.Getenv("PATH"))
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	hostile := []string{"$(touch${IFS}pwned1)", "`touch${IFS}pwned2`", "(touch pwned3)", "x;touch${IFS}pwned4", "[p]*"}
	for _, h := range append([]string{"git.example.org", "git.example.org:8443"}, hostile...) {
		if strings.Contains(h, " ") {
			continue // store refuses it; a hand-edited file can still hold it (below)
		}
		if _, stderr, code := runBin(t, e, "protocol=https\nhost="+h+"\nusername=a\npassword=tok\n\n", "store"); code != 0 {
			t.Fatalf("store %s: %s", h, stderr)
		}
	}
	credFile := filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials")
	f, err := os.OpenFile(credFile, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("https://a:tok@(touch pwned3)\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if out, _, _ := runBin(t, e, "", "list"); !strings.Contains(out, "(touch pwned3)") {
		t.Fatalf("the hand-written entry is not listed, so completion would not see it:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(work, "pwned0"), nil, 0o644); err != nil { // for the glob
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		p, err := exec.LookPath(name)
		if err != nil {
			if testenv.CI() {
				t.Fatalf("%s is not installed (.ci/run installs it)", name)
			}
			t.Logf("%s is not installed: not tested", name)
			return ""
		}
		cmd := exec.Command(p, args...)
		cmd.Env, cmd.Dir, cmd.Stdin = e.Vars, work, strings.NewReader("")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %q: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	for _, tc := range []struct {
		shell string
		args  []string
		want  string // "" = not checked
	}{
		{"bash", []string{"--norc", "-c", `source <(git-credential-pat completion bash)
COMP_WORDS=(git-credential-pat login --host ""); COMP_CWORD=3; COMPREPLY=(); _git_credential_pat; printf '%s\n' "${COMPREPLY[@]}"`},
			"git.example.org\ngit.example.org:8443\n"},
		{"bash", []string{"--norc", "-c", `source <(git-credential-pat completion bash)
COMP_WORDS=(git-credential-pat login --host "git.example.org:"); COMP_CWORD=3; COMPREPLY=(); _git_credential_pat; printf '%s\n' "${COMPREPLY[@]}"`},
			"git.example.org:8443\n"},
		{"zsh", []string{"-f", "-c", `compdef() { }
compadd() { local -a a; while [[ $1 == -* && $1 != -- ]]; do if [[ $1 == -a ]]; then a=(${(P)2}); shift; fi; shift; done; [[ $1 == -- ]] && shift; print -rl -- $a $@ }
source <(git-credential-pat completion zsh)
words=(git-credential-pat login --host ''); CURRENT=4; _git-credential-pat`},
			"git.example.org\ngit.example.org:8443\n"},
		{"fish", []string{"--no-config", "-c", "git-credential-pat completion fish | source; and complete -C'git-credential-pat login --host '"}, ""},
	} {
		got := run(tc.shell, tc.args...)
		if tc.want != "" && got != tc.want {
			t.Errorf("%s: --host offers %q, want %q", tc.shell, got, tc.want)
		}
		if tc.shell == "fish" && got != "" && !strings.Contains(got, "git.example.org\t") {
			t.Errorf("fish: --host offers %q", got)
		}
		entries, _ := os.ReadDir(work)
		for _, en := range entries {
			if en.Name() != "pwned0" {
				t.Fatalf("%s ran a stored host name while completing --host: %s exists", tc.shell, en.Name())
			}
		}
	}
}
