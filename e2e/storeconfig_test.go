package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// Commands with no store flags work on the store of the helper line git
// runs for the host: login, list and logout all agree with git's fill.
func TestCommandsUseTheConfiguredStore(t *testing.T) {
	token := cmdsToken("gho_", rand1)
	defaultFile := func(e *gittest.Env) string {
		return filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials")
	}
	tests := []struct {
		name string
		// config writes the git config; it returns the file the token must
		// land in for host.
		config func(t *testing.T, e *gittest.Env, dir string) string
		host   string
		note   string // in login's or list's stderr
	}{
		{"global --file", func(t *testing.T, e *gittest.Env, dir string) string {
			f := filepath.Join(dir, "global.creds")
			runBin(t, e, "", "--file", f, "setup")
			return f
		}, "github.com", ""},
		{"URL-scoped line before the plain one", func(t *testing.T, e *gittest.Env, dir string) string {
			scoped, plain := filepath.Join(dir, "scoped.creds"), filepath.Join(dir, "plain.creds")
			writeGlobal(t, e, "[credential]\n\thelper =\n[credential \"https://git.example.com\"]\n\thelper = "+quoteConfig(helperLine("--file", scoped))+
				"\n[credential]\n\thelper = "+quoteConfig(helperLine("--file", plain))+"\n")
			return scoped
		}, "git.example.com", "2 git-credential-pat helper lines apply to https://git.example.com; this uses the one git runs first: " + helperLine("--file", "SCOPED")},
		{"plain line before a URL-scoped one", func(t *testing.T, e *gittest.Env, dir string) string {
			scoped, plain := filepath.Join(dir, "scoped.creds"), filepath.Join(dir, "plain.creds")
			writeGlobal(t, e, "[credential]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--file", plain))+
				"\n[credential \"https://git.example.com\"]\n\thelper = "+quoteConfig(helperLine("--file", scoped))+"\n")
			return plain
		}, "git.example.com", "2 git-credential-pat helper lines apply"},
		{"system URL-scoped line reset by the global one", func(t *testing.T, e *gittest.Env, dir string) string {
			system, global := filepath.Join(dir, "system.creds"), filepath.Join(dir, "global.creds")
			sys := filepath.Join(dir, "gitconfig")
			e.Setenv("GIT_CONFIG_NOSYSTEM", "0")
			e.Setenv("GIT_CONFIG_SYSTEM", sys)
			e.MustGit(t, "", "", "config", "--system", "--add", "credential.https://github.com.helper", helperLine("--file", system))
			runBin(t, e, "", "--file", global, "setup")
			return global
		}, "github.com", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			dir := t.TempDir()
			want := tc.config(t, e, dir)

			tr := cmdsRun(t, e, e.Home, token, "login", "--host", tc.host)
			if tr.code != 0 || !strings.Contains(tr.stdout, "in store file") {
				t.Fatalf("login: %+v", tr)
			}
			note := strings.ReplaceAll(tc.note, "SCOPED", want)
			if note != "" && !strings.Contains(tr.stderr, note) || note == "" && tr.stderr != "" {
				t.Fatalf("login stderr = %q, want the note %q", tr.stderr, note)
			}
			assertEntries(t, want, 1)
			if _, err := os.Stat(defaultFile(e)); err == nil {
				t.Fatalf("login also wrote the default store %s", defaultFile(e))
			}
			// git itself finds the token through the same configuration.
			out := e.MustGit(t, "", "url=https://"+tc.host+"/acme/app.git\n\n", "credential", "fill")
			if !strings.Contains(out, "password="+token+"\n") {
				t.Fatalf("git credential fill = %q", out)
			}
			if tr := cmdsRun(t, e, e.Home, "", "logout", "--host", tc.host); tr.code != 0 || !strings.Contains(tr.stdout, "Removed https://x-access-token@"+tc.host) {
				t.Fatalf("logout: %+v", tr)
			}
			assertEntries(t, want, 0)
		})
	}
}

// list and logout say when no helper line names us and they use the
// default; flags given on the command line win over the configured line;
// a line that cannot work is an error naming it.
func TestCommandsStoreFallbacksAndOverrides(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	token := cmdsToken("ghp_", rand1)

	tr := cmdsRun(t, e, e.Home, "", "list")
	tr.want(t, "No tokens in store file. Add one with: git-credential-pat login\n",
		"git-credential-pat: note: git runs no git-credential-pat helper for any host, so this uses the default store file (make git use it with: git-credential-pat setup)\n", 0)

	configured, given := filepath.Join(dir, "configured.creds"), filepath.Join(dir, "given.creds")
	runBin(t, e, "", "--file", configured, "setup")
	cmdsRun(t, e, e.Home, token, "login", "--file", given, "--no-verify")
	assertEntries(t, given, 1)
	if _, err := os.Stat(configured); err == nil {
		t.Fatal("login --file wrote the configured file too")
	}
	if tr := cmdsRun(t, e, e.Home, "", "list", "--file", given); !strings.Contains(tr.stdout, "ghp_****") {
		t.Fatalf("list --file: %+v", tr)
	}
	if tr := cmdsRun(t, e, e.Home, "", "list"); !strings.HasPrefix(tr.stdout, "No tokens in store file") || tr.stderr != "" {
		t.Fatalf("list (configured file): %+v", tr)
	}

	e.MustGit(t, "", "", "config", "--global", "--replace-all", "credential.helper", helperLine("--store", "files"), "git-credential-pat")
	tr = cmdsRun(t, e, e.Home, "", "list")
	if tr.code != 1 || !strings.Contains(tr.stderr, `git runs the helper line "`+helperLine("--store", "files")+`" (global, `) ||
		!strings.Contains(tr.stderr, `unknown store "files"`) {
		t.Fatalf("list with a broken helper line: %+v", tr)
	}
}

// writeGlobal writes ~/.gitconfig as given, for orders git config --add
// cannot produce.
func writeGlobal(t *testing.T, e *gittest.Env, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(e.Home, ".gitconfig"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// quoteConfig quotes a value for a git config file.
func quoteConfig(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// login into a configured --store cache --timeout 8h keeps the entry for
// 8 hours, not the default 900 seconds.
func TestLoginUsesConfiguredCacheTimeout(t *testing.T) {
	e := gittest.NewEnv(t)
	sockDir := filepath.Join(t.TempDir(), "sock")
	if err := os.Mkdir(sockDir, 0o700); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(sockDir, "socket")
	t.Cleanup(func() { runBin(t, e, "", "cache", "exit", "--socket", socket) })
	runBin(t, e, "", "--store", "cache", "--timeout", "8h", "--socket", socket, "setup")
	token := cmdsToken("gho_", rand1)
	if tr := cmdsRun(t, e, e.Home, token, "login"); tr.code != 0 || !strings.Contains(tr.stdout, "in store cache") || tr.stderr != "" {
		t.Fatalf("login: %+v", tr)
	}
	out, _, _ := runBin(t, e, "", "cache", "status", "--socket", socket)
	if !strings.Contains(out, "entries: 1\n") || !strings.Contains(out, "next expiry: in 8 hours") {
		t.Fatalf("cache status after login (want the entry to live 8 hours):\n%s", out)
	}
	if got := e.MustGit(t, "", "url=https://github.com/a/b.git\n\n", "credential", "fill"); !strings.Contains(got, "password="+token) {
		t.Fatalf("fill = %q", got)
	}
}

// git runs a helper from the top of the worktree, so a relative --file in
// a helper line names a file there; commands started in a subdirectory
// work on that file too, not on one under the subdirectory.
func TestCommandsResolveRelativePathsLikeGit(t *testing.T) {
	token := cmdsToken("ghp_", rand1)
	tests := []struct {
		name  string
		scope string // git config option for the line
		flags []string
		file  string // relative to the worktree top
	}{
		{"repository line, --file VALUE", "--local", []string{"--file", ".git/pat-credentials"}, ".git/pat-credentials"},
		{"global line, --file=VALUE", "--global", []string{"--file=pat-credentials"}, "pat-credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			repo := cmdsRepo(t, e)
			sub := filepath.Join(repo, "src", "pkg")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			e.MustGit(t, repo, "", "config", tc.scope, "credential.helper", helperLine(tc.flags...))
			want := filepath.Join(repo, tc.file)

			if tr := cmdsRun(t, e, sub, token, "login", "--host", "git.example.com", "--no-verify"); tr.code != 0 {
				t.Fatalf("login: %+v", tr)
			}
			assertEntries(t, want, 1)
			if _, err := os.Stat(filepath.Join(sub, tc.file)); err == nil {
				t.Fatalf("login wrote %s under the subdirectory it ran in", tc.file)
			}
			out := e.MustGit(t, sub, "url=https://git.example.com/acme/app.git\n\n", "credential", "fill")
			if !strings.Contains(out, "password="+token+"\n") {
				t.Fatalf("git credential fill = %q", out)
			}
			if tr := cmdsRun(t, e, sub, "", "list"); !strings.Contains(tr.stdout, "git.example.com") {
				t.Fatalf("list: %+v", tr)
			}
			if tr := cmdsRun(t, e, sub, "", "logout", "--host", "git.example.com"); tr.code != 0 {
				t.Fatalf("logout: %+v", tr)
			}
			assertEntries(t, want, 0)
		})
	}
}

// remotes and doctor count a host as having a token when a store git uses
// for that host holds one: with a URL-scoped line of its own, that line's
// store, not the plain line's.
func TestRemotesLookInTheStoreGitUsesForTheHost(t *testing.T) {
	const leftAlone = "origin (fetch+push): git@example.com:org/repo.git: SSH, on a host with no token and no known forge: left alone"
	const switchIt = "origin (fetch+push): git@example.com:org/repo.git uses SSH, so no token is used for it; switch it to HTTPS with:"
	tests := []struct {
		name     string
		in       string // the store that holds a token for example.com
		remotes  string // in remotes' output
		doctorOK bool   // doctor's ssh-remotes check passes
	}{
		{"token in the URL-scoped line's store", "scoped", switchIt, false},
		{"token only in the plain line's store, which git does not use for the host", "plain", leftAlone, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			plain, scoped := filepath.Join(e.Home, "plain"), filepath.Join(e.Home, "scoped")
			writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", plain))+
				"\n[credential \"https://example.com\"]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--file", scoped))+"\n")
			runBin(t, e, "protocol=https\nhost=example.com\nusername=u\npassword=tok\n", "--file", filepath.Join(e.Home, tc.in), "store")
			repo := cmdsRepo(t, e, "origin", "git@example.com:org/repo.git")
			if tr := cmdsRun(t, e, repo, "", "remotes"); !strings.Contains(tr.stdout, tc.remotes) {
				t.Fatalf("remotes: %+v; want %q", tr, tc.remotes)
			}
			if ok := strings.Contains(cmdsRun(t, e, repo, "", "doctor").stdout, "ok    ssh-remotes"); ok != tc.doctorOK {
				t.Fatalf("doctor's ssh-remotes check passed: %v, want %v", ok, tc.doctorOK)
			}
		})
	}
}

// logout of a host, without --path, reaches the stores of path-scoped
// lines for it too: tokens stored for an owner may be there.
func TestLogoutReachesPathScopedLines(t *testing.T) {
	for _, all := range []bool{false, true} {
		t.Run(fmt.Sprintf("all=%v", all), func(t *testing.T) {
			e := gittest.NewEnv(t)
			plain, org := filepath.Join(e.Home, "plain"), filepath.Join(e.Home, "org")
			writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", plain))+
				"\n[credential \"https://example.com/org\"]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--file", org))+"\n")
			if tr := cmdsRun(t, e, e.Home, "tok-org-000000000000", "login", "--host", "example.com", "--owner", "org", "--no-verify"); tr.code != 0 {
				t.Fatalf("login --owner: %+v", tr)
			}
			assertEntries(t, org, 1)
			if out := e.MustGit(t, e.Home, "url=https://example.com/org/repo.git\n\n", "credential", "fill"); !strings.Contains(out, "password=tok-org-000000000000\n") {
				t.Fatalf("git credential fill = %q", out)
			}
			args := []string{"logout", "--host", "example.com"}
			if all {
				args = append(args, "--all")
			}
			if tr := cmdsRun(t, e, e.Home, "", args...); tr.code != 0 {
				t.Fatalf("logout: %+v", tr)
			}
			assertEntries(t, org, 0)
		})
	}
}

// A config file git cannot read stops every git command: the commands say
// which file and line, and how to fix it, instead of suggesting a git
// config command that fails the same way.
func TestCommandsNameABrokenGitConfig(t *testing.T) {
	e := gittest.NewEnv(t)
	writeGlobal(t, e, "[user]\n\tname = Me\n[broken\n")
	for _, args := range [][]string{{"list"}, {"--file", filepath.Join(e.Home, "f"), "logout", "--host", "github.com"}, {"cache", "status"}} {
		tr := cmdsRun(t, e, e.Home, "", args...)
		if tr.code == 0 || !strings.Contains(tr.stderr, "bad config line 3 in file "+filepath.Join(e.Home, ".gitconfig")) ||
			!strings.Contains(tr.stderr, "git config --global --edit") || strings.Contains(tr.stderr, "run: git config --show-origin") {
			t.Errorf("%v: %+v", args, tr)
		}
	}
}

// login --owner picks the helper line git runs for the owner's
// repositories: a partial credential.HOST/OWNER line, which git matches
// against the whole path, is not one of them; credential.https://HOST/OWNER,
// a prefix, is.
func TestLoginOwnerUsesTheLineGitRunsForItsRepositories(t *testing.T) {
	for _, tc := range []struct {
		name, key, want string
	}{
		{"partial URL line", "credential.example.com/org.helper", "plain"},
		{"URL line", "credential.https://example.com/org.helper", "org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			plain, org := filepath.Join(e.Home, "plain"), filepath.Join(e.Home, "org")
			e.MustGit(t, "", "", "config", "--global", "credential.helper", helperLine("--file", plain))
			e.MustGit(t, "", "", "config", "--global", tc.key, "")
			e.MustGit(t, "", "", "config", "--global", "--add", tc.key, helperLine("--file", org))
			if tr := cmdsRun(t, e, e.Home, "tok-org-000000000000", "login", "--host", "example.com", "--owner", "org", "--no-verify"); tr.code != 0 {
				t.Fatalf("login --owner: %+v", tr)
			}
			assertEntries(t, filepath.Join(e.Home, tc.want), 1)
			if out := e.MustGit(t, e.Home, "url=https://example.com/org/repo.git\n\n", "credential", "fill"); !strings.Contains(out, "password=tok-org-000000000000\n") {
				t.Fatalf("git credential fill for org/repo.git = %q", out)
			}
		})
	}
}

// login and rotate of a host-wide token, when git runs no line of ours
// for the host but one for a path of it, act on that line's store: git
// asks it for the host's token for the repositories there, and list and
// logout look there. A line for another user's remotes is not one git runs
// for this token.
func TestLoginUsesAPathScopedLineGitRuns(t *testing.T) {
	for _, tc := range []struct {
		name, config string // config: the global config, with ORG, OTHER and PLAIN for the files
		want         string // "org", "plain" or "default": where the token lands
		warn         string
		notWarn      string // what the warning must not say
	}{
		{"only a path-scoped line", "[credential \"https://example.com/org\"]\n\thelper = ORG\n", "org",
			"git runs git-credential-pat for https://example.com only for the repositories under https://example.com/org", ""},
		// Regression test: the warning named the other path too, whose
		// line's store the token never reached.
		{"path-scoped lines with different stores", "[credential \"https://example.com/org\"]\n\thelper = ORG\n[credential \"https://example.com/other\"]\n\thelper = OTHER\n", "org",
			"only for the repositories under https://example.com/org (", "https://example.com/other"},
		{"a plain line first", "[credential]\n\thelper = PLAIN\n[credential \"https://example.com/org\"]\n\thelper = ORG\n", "plain", "", ""},
		{"a path-scoped line for another user", "[credential \"https://bob@example.com/org\"]\n\thelper = ORG\n", "default",
			"git runs git-credential-pat for https://example.com only for the user bob", ""},
		// The line git runs names a user: the warning names the login
		// that reaches it, not a setup that would add a second line.
		{"a line for another user", "[credential \"https://b%40ob@example.com\"]\n\thelper = ORG\n", "default",
			"so it will not see this token stored for u; log in for that user: git-credential-pat login --host example.com --username b@ob", ""},
		{"no line of ours", "", "default", "git is not configured to use git-credential-pat", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			files := map[string]string{
				"org": filepath.Join(e.Home, "org"), "plain": filepath.Join(e.Home, "plain"), "other": filepath.Join(e.Home, "other"),
				"default": filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials"),
			}
			writeGlobal(t, e, strings.NewReplacer("ORG", quoteConfig(helperLine("--file", files["org"])), "OTHER", quoteConfig(helperLine("--file", files["other"])), "PLAIN", quoteConfig(helperLine("--file", files["plain"]))).Replace(tc.config))
			tr := cmdsRun(t, e, e.Home, "tok-one-000000000000", "login", "--host", "example.com", "--username", "u", "--no-verify")
			warned := "" // the warning about the paths, without login's note
			for _, l := range strings.Split(tr.stderr, "\n") {
				if strings.Contains(l, "warning: ") {
					warned += l + "\n"
				}
			}
			if tr.code != 0 || tc.warn == "" && tr.stderr != "" || !strings.Contains(tr.stderr, tc.warn) ||
				tc.notWarn != "" && strings.Contains(warned, tc.notWarn) {
				t.Fatalf("login: %+v, want the warning %q, without %q", tr, tc.warn, tc.notWarn)
			}
			assertEntries(t, files[tc.want], 1)
			for name, f := range files {
				if _, err := os.Stat(f); name != tc.want && err == nil {
					t.Fatalf("login also wrote %s", f)
				}
			}
			if tc.want == "default" {
				return
			}
			if tr := cmdsRun(t, e, e.Home, "", "list"); tr.code != 0 || !strings.Contains(tr.stdout, "example.com") {
				t.Fatalf("list: %+v", tr)
			}
			if tr := cmdsRun(t, e, e.Home, "tok-two-000000000000", "rotate", "--host", "example.com", "--no-verify"); tr.code != 0 {
				t.Fatalf("rotate: %+v", tr)
			}
			assertEntries(t, files[tc.want], 1)
			if out := e.MustGit(t, e.Home, "url=https://example.com/org/repo.git\n\n", "credential", "fill"); !strings.Contains(out, "password=tok-two-000000000000\n") {
				t.Fatalf("git credential fill for org/repo.git = %q", out)
			}
			if tr := cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com"); tr.code != 0 {
				t.Fatalf("logout: %+v", tr)
			}
			assertEntries(t, files[tc.want], 0)
		})
	}
}

// list shows the stores git runs for some URL: not that of a line a later
// reset for a wider URL clears everywhere it applies (git never runs it),
// but that of one the reset clears only in part.
func TestListLeavesOutLinesAWiderResetClears(t *testing.T) {
	for _, tc := range []struct {
		name, line, reset string
		listed            bool
	}{
		{"host reset after a path line", "https://example.com/acme", "https://example.com", false},
		{"reset spelled another way", "https://example.com", "https://Example.com:443/", false},
		{"path reset after a host line", "https://example.com", "https://example.com/acme", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			plain, scoped := filepath.Join(e.Home, "plain"), filepath.Join(e.Home, "scoped")
			writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", plain))+
				"\n[credential \""+tc.line+"\"]\n\thelper = "+quoteConfig(helperLine("--file", scoped))+
				"\n[credential \""+tc.reset+"\"]\n\thelper =\n")
			runBin(t, e, "protocol=https\nhost=other.example\nusername=u\npassword=tok-plain\n", "--file", plain, "store")
			runBin(t, e, "protocol=https\nhost=example.com\nusername=u\npassword=tok-scoped\n", "--file", scoped, "store")
			// git itself runs the scoped line for a repository under it, or not.
			out, _, _ := e.Git(t, e.Home, "url="+tc.line+"/repo.git\n\n", "credential", "fill")
			if ran := strings.Contains(out, "password=tok-scoped"); ran != tc.listed {
				t.Fatalf("git credential fill for %s/repo.git = %q; the case is wrong", tc.line, out)
			}
			tr := cmdsRun(t, e, e.Home, "", "list")
			if tr.code != 0 || !strings.Contains(tr.stdout, "other.example") || strings.Contains(tr.stdout, "example.com") != tc.listed {
				t.Fatalf("list shows the scoped line's token: %v, want %v: %+v", !tc.listed, tc.listed, tr)
			}
		})
	}
}

// A token in the store of a path-scoped line counts for remotes: git runs
// that line for the repositories under the path.
func TestRemotesCountPathScopedStores(t *testing.T) {
	e := gittest.NewEnv(t)
	plain, org := filepath.Join(e.Home, "plain"), filepath.Join(e.Home, "org")
	writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", plain))+
		"\n[credential \"https://example.com/org\"]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--file", org))+"\n")
	runBin(t, e, "protocol=https\nhost=example.com\npath=org\nusername=u\npassword=tok\n", "--file", org, "store")
	repo := cmdsRepo(t, e, "origin", "git@example.com:org/repo.git")
	if tr := cmdsRun(t, e, repo, "", "remotes"); !strings.Contains(tr.stdout, "origin (fetch+push): git@example.com:org/repo.git uses SSH, so no token is used for it; switch it to HTTPS with:") {
		t.Fatalf("remotes: %+v", tr)
	}
}
