package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// gitRuns returns the helper commands a real `git credential fill` for url
// runs, in order (GIT_TRACE), without the action.
func gitRuns(t *testing.T, e *gittest.Env, url string) []string {
	t.Helper()
	return gitRunsIn(t, e, "", url)
}

// gitRunsIn is gitRuns run in dir.
func gitRunsIn(t *testing.T, e *gittest.Env, dir, url string) []string {
	t.Helper()
	vars := e.Vars
	e.Vars = append(append([]string(nil), vars...), "GIT_TRACE=1")
	defer func() { e.Vars = vars }()
	_, stderr, _ := e.Git(t, dir, "url="+url+"\n\n", "credential", "fill")
	var ran []string
	for _, l := range strings.Split(stderr, "\n") {
		if _, c, ok := strings.Cut(l, "trace: run_command: '"); ok && strings.HasSuffix(c, " get'") {
			ran = append(ran, strings.TrimSuffix(c, " get'"))
		}
	}
	return ran
}

// doctor reports exactly the helpers git runs for the token's host, as a
// GIT_TRACE of a real fill shows them, and flags the ones that answer
// first or copy the token elsewhere; helpers git never runs (a system
// URL-scoped one that our global reset drops) are not mentioned.
func TestDoctorReportsTheHelpersGitRuns(t *testing.T) {
	tests := []struct {
		name     string
		system   string                             // /etc/gitconfig stand-in
		global   func(t *testing.T, e *gittest.Env) // after the system file exists
		host     string
		wantRuns []string // besides ours, in order; "BIN" is ours
		want     []string // lines doctor prints (prefixes after the status)
		notWant  []string
		code     int
	}{
		{
			name:   "system URL-scoped helper reset by our global line, store after ours",
			system: "[credential \"https://github.com\"]\n\thelper = \"!: system-url\"\n",
			global: func(t *testing.T, e *gittest.Env) {
				runBin(t, e, "", "setup")
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "store")
			},
			host:     "github.com",
			wantRuns: []string{"BIN", "git credential-store"},
			want: []string{
				"ok    helpers        git runs git-credential-pat first (global, ",
				`warn  helpers        credential helper "store" (global, GLOBAL) runs after git-credential-pat: git hands it every token it uses, and it writes them to ~/.git-credentials in plain text; fix: git config --global --unset-all credential.helper '^store$'`,
			},
			notWant: []string{"system-url", "may come before", "--system"},
		},
		{
			// doctor used to say ~/.git-credentials whatever the line's --file.
			name:   "store with its own file after ours",
			system: "",
			global: func(t *testing.T, e *gittest.Env) {
				runBin(t, e, "", "setup")
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "store --file "+filepath.Join(e.Home, "copies"))
			},
			host:     "github.com",
			wantRuns: []string{"BIN", "git credential-store --file HOMEDIR/copies"},
			want: []string{
				`warn  helpers        credential helper "store --file HOMEDIR/copies" (global, GLOBAL) runs after git-credential-pat: git hands it every token it uses, and it writes them to HOMEDIR/copies in plain text; fix: `,
			},
			notWant: []string{".git-credentials"},
		},
		{
			name:   "system helper before ours with no reset",
			system: "[credential]\n\thelper = osxkeychain\n",
			global: func(t *testing.T, e *gittest.Env) {
				e.MustGit(t, "", "", "config", "--global", "credential.helper", bin)
			},
			host:     "github.com",
			wantRuns: []string{"git credential-osxkeychain", "BIN"},
			want: []string{
				`fail  helpers        credential helper "osxkeychain" (system, SYSTEM) runs before git-credential-pat and answers first, with no empty credential.helper line between them to reset it; fix: git-credential-pat setup`,
			},
			code: 1,
		},
		{
			name:   "URL-scoped helper after ours for one host only",
			system: "",
			global: func(t *testing.T, e *gittest.Env) {
				runBin(t, e, "", "setup")
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.https://git.example.com.helper", "!: scoped-copy")
				cmdsRun(t, e, e.Home, cmdsToken("gho_", rand2), "login")
			},
			host:     "git.example.com",
			wantRuns: []string{"BIN", ": scoped-copy"},
			want: []string{
				`warn  helpers        credential helper "!: scoped-copy" (global, GLOBAL, credential.https://git.example.com.helper) runs after git-credential-pat: git hands it every token it uses, and it keeps a copy in its own store (for https://git.example.com); fix: git config --global --unset-all credential.https://git.example.com.helper '^!: scoped-copy$'`,
				"ok    helpers        git runs git-credential-pat first (global, GLOBAL) (for https://github.com)",
				"ok    helpers        git runs git-credential-pat first (global, GLOBAL) (for https://git.example.com)",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			e.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+e.Getenv("PATH"))
			system := filepath.Join(t.TempDir(), "gitconfig")
			if err := os.WriteFile(system, []byte(tc.system), 0o644); err != nil {
				t.Fatal(err)
			}
			e.Setenv("GIT_CONFIG_NOSYSTEM", "0")
			e.Setenv("GIT_CONFIG_SYSTEM", system)
			tc.global(t, e)
			global := filepath.Join(e.Home, ".gitconfig")

			// What git really runs (before any token exists, so no helper
			// answers and git asks them all).
			runs := gitRuns(t, e, "https://"+tc.host+"/acme/app.git")
			r := strings.NewReplacer("GLOBAL", global, "SYSTEM", system, "HOMEDIR", e.Home, "BIN", bin)
			want := r.Replace(strings.Join(tc.wantRuns, "\n"))
			if strings.Join(runs, "\n") != want {
				t.Fatalf("git runs %q, want %q (the test's configuration is off)", runs, want)
			}
			if tr := cmdsRun(t, e, e.Home, cmdsToken("gho_", rand1), "login", "--host", tc.host); tr.code != 0 {
				t.Fatalf("login: %+v", tr)
			}

			tr := cmdsRun(t, e, e.Home, "", "doctor")
			if tr.code != tc.code {
				t.Errorf("doctor exit %d, want %d", tr.code, tc.code)
			}
			var helperLines []string
			for _, l := range strings.Split(tr.stdout, "\n") {
				if strings.Contains(l, "  helpers  ") {
					helperLines = append(helperLines, l)
				}
			}
			report := strings.Join(helperLines, "\n")
			for _, w := range tc.want {
				if !strings.Contains(report, r.Replace(w)) {
					t.Errorf("doctor's helper report lacks\n  %s\ngot:\n%s", r.Replace(w), report)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(tr.stdout, w) {
					t.Errorf("doctor mentions %q, which git does not run:\n%s", w, tr.stdout)
				}
			}
			// Every helper git runs besides ours is named; ours is first
			// exactly when git runs it first.
			for _, run := range runs {
				if run == bin {
					continue
				}
				if name := strings.TrimPrefix(strings.TrimPrefix(run, "git credential-"), ": "); !strings.Contains(report, name) {
					t.Errorf("git runs %q, but doctor does not mention it:\n%s", run, report)
				}
			}
			if first := runs[0] == bin; first != strings.Contains(report, "git runs git-credential-pat first") {
				t.Errorf("git runs ours first: %v; doctor says:\n%s", first, report)
			}
		})
	}
}

// An empty credential.helper after ours removes it from git's list: doctor
// names the fix for the scope of that reset, as setup and login do (see
// cli.resetFix), and following it makes git run ours again. Regression
// test: doctor advised setup for a reset given with git -c or in a
// worktree's config, which changed nothing, and setup --system for a
// system one, which needs root where a plain setup does.
func TestDoctorNamesTheFixForAResetAfterOurs(t *testing.T) {
	tests := []struct {
		name  string
		reset func(t *testing.T, e *gittest.Env, repo, system string) // after a global setup
		fix   string
		apply func(t *testing.T, e *gittest.Env, repo string) // does what fix says
	}{
		{
			name: "git -c",
			reset: func(t *testing.T, e *gittest.Env, repo, system string) {
				e.Setenv("GIT_CONFIG_COUNT", "1")
				e.Setenv("GIT_CONFIG_KEY_0", "credential.helper")
				e.Setenv("GIT_CONFIG_VALUE_0", "")
			},
			fix:   "remove the empty credential.helper given with git -c, GIT_CONFIG_COUNT or GIT_CONFIG_PARAMETERS",
			apply: func(t *testing.T, e *gittest.Env, repo string) { e.Setenv("GIT_CONFIG_COUNT", "0") },
		},
		{
			name: "worktree config",
			reset: func(t *testing.T, e *gittest.Env, repo, system string) {
				e.MustGit(t, repo, "", "config", "extensions.worktreeConfig", "true")
				e.MustGit(t, repo, "", "config", "--worktree", "credential.helper", "")
			},
			fix: "git config --worktree --unset-all credential.helper '^$'",
			apply: func(t *testing.T, e *gittest.Env, repo string) {
				e.MustGit(t, repo, "", "config", "--worktree", "--unset-all", "credential.helper", "^$")
			},
		},
		{
			name: "repository config",
			reset: func(t *testing.T, e *gittest.Env, repo, system string) {
				e.MustGit(t, repo, "", "config", "--local", "credential.helper", "")
			},
			fix:   "git-credential-pat setup --local",
			apply: func(t *testing.T, e *gittest.Env, repo string) { cmdsRun(t, e, repo, "", "setup", "--local") },
		},
		{
			// The system file is read before the global one: a global
			// setup wins over its reset, and needs no root.
			name: "system config, after a system line of ours",
			reset: func(t *testing.T, e *gittest.Env, repo, system string) {
				writeFile(t, system, "[credential]\n\thelper = "+quoteConfig(helperLine())+"\n\thelper =\n")
				writeGlobal(t, e, "")
			},
			fix:   "git-credential-pat setup\n",
			apply: func(t *testing.T, e *gittest.Env, repo string) { cmdsRun(t, e, repo, "", "setup") },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			system := filepath.Join(t.TempDir(), "gitconfig")
			writeFile(t, system, "")
			e.Setenv("GIT_CONFIG_NOSYSTEM", "0")
			e.Setenv("GIT_CONFIG_SYSTEM", system)
			if _, stderr, code := runBin(t, e, "", "setup"); code != 0 {
				t.Fatalf("setup: %s", stderr)
			}
			repo := cmdsRepo(t, e)
			tc.reset(t, e, repo, system)
			if runs := gitRunsIn(t, e, repo, "https://github.com/acme/app.git"); len(runs) != 0 {
				t.Fatalf("git still runs %q: the test's reset is off", runs)
			}
			tr := cmdsRun(t, e, repo, "", "doctor")
			if !strings.Contains(tr.stdout, "comes after git-credential-pat and removes it from the list; fix: "+tc.fix) {
				t.Fatalf("doctor does not name the fix %q:\n%s%s", tc.fix, tr.stdout, tr.stderr)
			}
			tc.apply(t, e, repo)
			if runs := gitRunsIn(t, e, repo, "https://github.com/acme/app.git"); len(runs) == 0 {
				t.Fatalf("after %q git runs no helper", tc.fix)
			}
		})
	}
}
