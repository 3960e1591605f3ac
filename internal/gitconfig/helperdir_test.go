package gitconfig

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// HelperDir names the directory real git runs a helper in, started from
// each kind of place.
func TestHelperDirIsWhereGitRunsHelpers(t *testing.T) {
	home := isolate(t, "", "")
	log := filepath.Join(home, "pwd.log")
	git := func(dir string, env []string, stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env, cmd.Stdin = dir, append(os.Environ(), env...), strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v in %s: %v\n%s", args, dir, err, out)
		}
	}
	mkdir := func(p string) string {
		t.Helper()
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	git(home, nil, "", "config", "--global", "credential.helper", `!f() { pwd -P >"`+log+`"; }; f`)
	work, bare := filepath.Join(home, "work"), filepath.Join(home, "bare.git")
	git(home, nil, "", "init", "--quiet", work)
	git(home, nil, "", "init", "--quiet", "--bare", bare)
	outside := mkdir(filepath.Join(home, "outside"))
	tests := []struct {
		name string
		dir  string
		env  []string
	}{
		{"worktree top", work, nil},
		{"worktree subdirectory", mkdir(filepath.Join(work, "a", "b")), nil},
		{"inside .git", filepath.Join(work, ".git", "objects"), nil},
		{"bare repository", filepath.Join(bare, "refs"), nil},
		{"outside any repository", outside, nil},
		{"GIT_DIR without a work tree", mkdir(filepath.Join(work, "c")), []string{"GIT_DIR=" + filepath.Join(work, ".git")}},
		{"GIT_DIR and GIT_WORK_TREE", outside, []string{"GIT_DIR=" + filepath.Join(work, ".git"), "GIT_WORK_TREE=" + work}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(log)
			git(tc.dir, tc.env, "protocol=https\nhost=example.com\nusername=u\npassword=p\n\n", "credential", "approve")
			ran, err := os.ReadFile(log)
			if err != nil {
				t.Fatalf("the helper did not run: %v", err)
			}
			for _, kv := range tc.env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			got, err := HelperDir(context.Background(), tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			if real, err := filepath.EvalSymlinks(got); err == nil {
				got = real
			}
			if want := strings.TrimSpace(string(ran)); got != want {
				t.Fatalf("HelperDir = %s; git ran the helper in %s", got, want)
			}
		})
	}
}
