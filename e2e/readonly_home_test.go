package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// A HOME the user cannot write (a container's, another user's): login
// and git's store say which directory refused and what to do, and doctor
// no longer says "the first login creates it" (it said so, with "ok",
// and login then failed with a bare "mkdir ...: permission denied").
func TestUnwritableHomeIsNamed(t *testing.T) {
	e := gittest.NewEnv(t)
	home, err := os.MkdirTemp("", "gcp-rohome-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home)
	global := filepath.Join(home, "gitconfig")
	if err := os.WriteFile(global, []byte("[credential]\n\thelper =\n\thelper = "+bin+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Dir(bin), 0o755) // let uid 65534 run the binary
	// Root writes anywhere: run as nobody there; others cannot write a
	// 0555 directory.
	var prefix []string
	if os.Geteuid() == 0 {
		requireTool(t, "setpriv", "util-linux")
		prefix = []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}
		os.Chmod(home, 0o755)
	} else {
		os.Chmod(home, 0o555)
		defer os.Chmod(home, 0o755)
	}
	vars := append(append([]string(nil), e.Vars...), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GIT_CONFIG_GLOBAL="+global)
	advice := "you need write permission in " + home + ": chmod u+w " + home + ", or keep the tokens elsewhere: git-credential-pat --file PATH setup"

	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
		code  int
	}{
		{"login", []string{"login", "--username", "alice"}, cmdsToken("ghp_", rand1), "git-credential-pat: login: storing the token in store file: file store: creating ", 1},
		{"git's store", []string{"store"}, "protocol=https\nhost=github.com\nusername=alice\npassword=" + cmdsToken("ghp_", rand1) + "\n\n", "git-credential-pat: store: file store: creating ", 1},
		{"doctor", []string{"doctor"}, "", "fail  store          store file: " + filepath.Join(home, ".config", "git-credential-pat", "credentials") + " does not exist yet, and the first login cannot create it: ", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append(append([]string(nil), prefix...), bin), tt.args...)
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Env, cmd.Dir, cmd.Stdin = vars, os.TempDir(), strings.NewReader(tt.stdin)
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(string(out), tt.want) || !strings.Contains(string(out), advice) {
				t.Errorf("exit %d, output:\n%s\nwant exit %d, %q and %q", code, out, tt.code, tt.want, advice)
			}
		})
	}
}
