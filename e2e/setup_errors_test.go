//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// setup and unconfigure where git has no config file for the scope name
// the cause and the fix in one line, instead of git's bare error, and
// change nothing: --local outside a repository, --global without HOME or
// with a HOME git cannot write in.
func TestSetupScopeWithoutConfigFile(t *testing.T) {
	e := gittest.NewEnv(t)
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	noRepo := t.TempDir()
	// git must not find a repository above the test's directory either.
	e.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(noRepo))
	withEnv := func(drop string, set ...string) *gittest.Env {
		env := *e
		env.Vars = nil
		for _, kv := range e.Vars {
			if !strings.HasPrefix(kv, drop+"=") {
				env.Vars = append(env.Vars, kv)
			}
		}
		env.Vars = append(env.Vars, set...)
		return &env
	}
	for _, tc := range []struct {
		name string
		env  *gittest.Env
		dir  string
		args []string
		want []string
	}{
		{"setup --local outside a repository", e, noRepo, []string{"setup", "--local"},
			[]string{"setup --local: git finds no repository here (fatal: not a git repository", "cd into the repository", "run setup without --local"}},
		{"unconfigure --local outside a repository", e, noRepo, []string{"unconfigure", "--local"},
			[]string{"unconfigure --local: git finds no repository here", "run unconfigure without --local"}},
		{"setup without HOME", withEnv("HOME"), noRepo, []string{"setup"},
			[]string{"setup: HOME is not set", "set HOME to your home directory", "GIT_CONFIG_GLOBAL=/path/to/gitconfig git-credential-pat setup"}},
		{"setup with a HOME git cannot write in", withEnv("HOME", "HOME="+filepath.Join(notDir, "home")), noRepo, []string{"setup"},
			[]string{"git config --global cannot write " + filepath.Join(notDir, "home", ".gitconfig") + " (error: could not lock config file", "set HOME to a home directory you can write", "GIT_CONFIG_GLOBAL=/path/to/gitconfig"}},
		// GIT_CONFIG_GLOBAL that turns the global config off, or names no
		// file: git would rename its lock over it (as root, over
		// /dev/null itself, which is why that one is tested without git:
		// TestGlobalOff).
		{"setup with GIT_CONFIG_GLOBAL empty", withEnv("GIT_CONFIG_GLOBAL", "GIT_CONFIG_GLOBAL="), noRepo, []string{"setup"},
			[]string{`setup: GIT_CONFIG_GLOBAL="" turns git's global config off`, "unset GIT_CONFIG_GLOBAL", "setup --local"}},
		{"unconfigure with GIT_CONFIG_GLOBAL naming a directory", withEnv("GIT_CONFIG_GLOBAL", "GIT_CONFIG_GLOBAL="+noRepo), noRepo, []string{"unconfigure"},
			[]string{"unconfigure: GIT_CONFIG_GLOBAL names", "which is not a regular file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := cmdsRun(t, tc.env, tc.dir, "", tc.args...)
			ok := tr.code == 1 && tr.stdout == "" && strings.Count(tr.stderr, "\n") == 1
			for _, w := range tc.want {
				ok = ok && strings.Contains(tr.stderr, w)
			}
			if !ok {
				t.Errorf("exit %d\n--- stdout\n%s--- stderr\n%s--- want stderr to hold %q", tr.code, tr.stdout, tr.stderr, tc.want)
			}
		})
	}
	// A read-only home, as a user (root writes anyway).
	if os.Geteuid() != 0 {
		ro := t.TempDir()
		if err := os.Chmod(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(ro, 0o755) })
		tr := cmdsRun(t, withEnv("HOME", "HOME="+ro), noRepo, "", "setup")
		if want := "git config --global cannot write " + filepath.Join(ro, ".gitconfig") + " ("; tr.code != 1 || !strings.Contains(tr.stderr, want) || !strings.Contains(tr.stderr, "GIT_CONFIG_GLOBAL=") {
			t.Errorf("setup with a read-only HOME: exit %d: %s", tr.code, tr.stderr)
		}
	}
	// A bare repository is a repository to git.
	bare := filepath.Join(t.TempDir(), "bare.git")
	e.MustGit(t, "", "", "init", "--quiet", "--bare", bare)
	if tr := cmdsRun(t, e, bare, "", "setup", "--local"); tr.code != 0 {
		t.Errorf("setup --local in a bare repository: exit %d: %s", tr.code, tr.stderr)
	}
	for _, p := range []string{filepath.Join(noRepo, ".git"), filepath.Join(e.Home, ".gitconfig")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a refused setup wrote %s", p)
		}
	}
}

// setup --local in a repository another user owns: git refuses it
// (safe.directory), and the fix is git's own trust command, not dropping
// --local, which would move the helper into the global config. Regression
// test: it said to run setup without --local.
func TestSetupLocalInAnUntrustedRepository(t *testing.T) {
	testenv.Root(t, "giving a repository to another user (chown)")
	e := gittest.NewEnv(t)
	repo := filepath.Join(t.TempDir(), "their repo")
	e.MustGit(t, "", "", "init", "--quiet", repo)
	if err := filepath.Walk(repo, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	}); err != nil {
		t.Fatal(err)
	}
	tr := cmdsRun(t, e, repo, "", "setup", "--local")
	want := "git does not trust the repository " + repo + ", which another user owns (safe.directory); if you trust it, run: git config --global --add safe.directory '" + repo + "', then run setup --local again\n"
	if tr.code != 1 || !strings.Contains(tr.stderr, want) || strings.Contains(tr.stderr, "without --local") {
		t.Fatalf("setup --local: %+v\nwant stderr to hold %q", tr, want)
	}
	// The advice works.
	e.MustGit(t, "", "", "config", "--global", "--add", "safe.directory", repo)
	if tr := cmdsRun(t, e, repo, "", "setup", "--local"); tr.code != 0 {
		t.Fatalf("setup --local after trusting it: %+v", tr)
	}
}
