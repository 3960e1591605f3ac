//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// setup and unconfigure where git has no config file for the scope name
// the cause and the fix in one line, instead of git's bare error, and
// change nothing: --local outside a repository.
func TestSetupScopeWithoutConfigFile(t *testing.T) {
	e := gittest.NewEnv(t)
	noRepo := t.TempDir()
	// git must not find a repository above the test's directory either.
	e.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(noRepo))
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
	// A bare repository and a .git directory are repositories to git.
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
