package e2e

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// setupWithToken makes git use a --file store in HOME and logs in token
// for host under user there; it returns the file.
func setupWithToken(t *testing.T, e *gittest.Env, host, user, token string) string {
	t.Helper()
	file := filepath.Join(e.Home, "creds")
	if tr := cmdsRun(t, e, e.Home, "", "--file", file, "setup"); tr.code != 0 {
		t.Fatalf("setup: %+v", tr)
	}
	if tr := cmdsRun(t, e, e.Home, token, "--file", file, "login", "--host", host, "--username", user, "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	return file
}

// A remote URL that names a user (Bitbucket's clone URLs do:
// https://alice@bitbucket.org/...) makes git ask only for that user's
// token; with the host's token stored under another username, git
// prompts. doctor and remotes say so and name the fix, remotes --fix
// applies it, and then git fetches without a prompt. Regression test:
// both reported every remote as fine.
func TestRemoteThatNamesAnotherUser(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	const user = "x-bitbucket-api-token-auth"
	token := "ATATT3xFfGF0ApiToken0000"
	srv.AddUser(user, token)
	repoURL := srv.NewRepo(t, "project")
	host := strings.TrimPrefix(srv.URL, "https://")
	setupWithToken(t, e, host, user, token)
	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", "clone", "--quiet", repoURL, work)
	withUser := strings.Replace(repoURL, "https://", "https://alice@", 1)
	e.MustGit(t, work, "", "remote", "set-url", "origin", withUser)
	if _, _, err := e.Git(t, work, "", "fetch", "--quiet", "origin"); err == nil || len(e.AskpassCalls()) == 0 {
		t.Fatalf("git fetched from %s without asking: the test proves nothing (%v, %q)", withUser, err, e.AskpassCalls())
	}

	fix := "git remote set-url origin " + repoURL
	tr := cmdsRun(t, e, work, "", "doctor")
	if !strings.Contains(tr.stdout, "warn  user-remotes   remote origin (fetch+push) names the user alice ("+withUser+"), so git asks only for alice's token; the tokens stored for "+host+" go with "+user+", so git prompts") ||
		!strings.Contains(tr.stdout, "; fix: "+fix+"\n") {
		t.Fatalf("doctor:\n%s%s", tr.stdout, tr.stderr)
	}
	tr = cmdsRun(t, e, work, "", "remotes")
	if !strings.Contains(tr.stdout, "drop the user with:\n  "+fix+"\n") {
		t.Fatalf("remotes:\n%s%s", tr.stdout, tr.stderr)
	}
	if tr = cmdsRun(t, e, work, "", "remotes", "--fix"); tr.code != 0 {
		t.Fatalf("remotes --fix: %+v", tr)
	}
	before := len(e.AskpassCalls())
	e.MustGit(t, work, "", "fetch", "--quiet", "origin")
	if len(e.AskpassCalls()) != before {
		t.Fatalf("git still prompted after remotes --fix: %q", e.AskpassCalls())
	}
	if tr = cmdsRun(t, e, work, "", "doctor"); strings.Contains(tr.stdout, "user-remotes") {
		t.Fatalf("doctor after the fix:\n%s", tr.stdout)
	}

	// A token given as the user is git's to use, and never shown.
	inURL := cmdsToken("ghp_", rand2)
	e.MustGit(t, work, "", "remote", "set-url", "origin", strings.Replace(repoURL, "https://", "https://"+inURL+"@", 1))
	for _, args := range [][]string{{"doctor"}, {"remotes"}} {
		if tr = cmdsRun(t, e, work, "", args...); strings.Contains(tr.stdout+tr.stderr, inURL) || strings.Contains(tr.stdout, "user-remotes") {
			t.Fatalf("%s with a token as the URL's user:\n%s%s", args[0], tr.stdout, tr.stderr)
		}
	}

	// A user whose token is stored is left alone.
	e.MustGit(t, work, "", "remote", "set-url", "origin", strings.Replace(repoURL, "https://", "https://"+user+"@", 1))
	if tr = cmdsRun(t, e, work, "", "doctor"); strings.Contains(tr.stdout, "user-remotes") {
		t.Fatalf("doctor with the stored user in the URL:\n%s", tr.stdout)
	}
}

// A remote with several URLs of a kind: the fix for the one that names a
// user must change that one. Regression test: remotes --fix ran
// "git remote set-url origin URL", which git refuses with several URLs
// (and would change the first), and doctor named the same command.
func TestRemoteThatNamesAnotherUserAmongSeveral(t *testing.T) {
	const host, user = "git.example.com", "x-bitbucket-api-token-auth"
	plain, withUser := "https://"+host+"/acme/app.git", "https://alice@"+host+"/acme/app.git"
	mirror := "https://" + host + "/acme/mirror.git"
	for _, tc := range []struct {
		name, key string
		set       []string // the key's values, in order
		push      string   // set-url's --push, or ""
		want      []string // the key's values after remotes --fix
	}{
		{"second url", "url", []string{plain, withUser}, "", []string{plain, plain}},
		{"first of two urls", "url", []string{withUser, mirror}, "", []string{plain, mirror}},
		{"second pushurl", "pushurl", []string{mirror, withUser}, "--push ", []string{mirror, plain}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			setupWithToken(t, e, host, user, "ATATT3xFfGF0ApiToken0000")
			work := filepath.Join(e.Home, "work")
			e.MustGit(t, "", "", "init", "--quiet", work)
			e.MustGit(t, work, "", "remote", "add", "origin", plain)
			if tc.key == "url" {
				e.MustGit(t, work, "", "config", "--unset-all", "remote.origin.url")
			}
			for _, v := range tc.set {
				e.MustGit(t, work, "", "config", "--add", "remote.origin."+tc.key, v)
			}
			fix := "git remote set-url " + tc.push + "origin " + plain + ` '^https://[^@/]{5}@git\.example\.com/acme/app\.git$'`
			if tr := cmdsRun(t, e, work, "", "doctor"); !strings.Contains(tr.stdout, "warn  user-remotes") || !strings.Contains(tr.stdout, "; fix: "+fix+"\n") {
				t.Fatalf("doctor, want the fix %s:\n%s%s", fix, tr.stdout, tr.stderr)
			}
			if tr := cmdsRun(t, e, work, "", "remotes"); !strings.Contains(tr.stdout, "drop the user with:\n  "+fix+"\n") {
				t.Fatalf("remotes, want the fix %s:\n%s%s", fix, tr.stdout, tr.stderr)
			}
			if tr := cmdsRun(t, e, work, "", "remotes", "--fix"); tr.code != 0 {
				t.Fatalf("remotes --fix: %+v", tr)
			}
			if got := strings.Fields(e.MustGit(t, work, "", "config", "--get-all", "remote.origin."+tc.key)); !slices.Equal(got, tc.want) {
				t.Fatalf("remote.origin.%s after remotes --fix = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

// The user of a remote URL is percent-decoded before it is named: one
// that decodes to a terminal escape or a newline must reach the terminal
// as '?', as the URL itself does. Regression test: doctor and remotes
// printed the decoded user as it was.
func TestRemoteUserIsPrintedSafely(t *testing.T) {
	const host, user = "git.example.com", "x-bitbucket-api-token-auth"
	e := gittest.NewEnv(t)
	setupWithToken(t, e, host, user, "ATATT3xFfGF0ApiToken0000")
	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", "init", "--quiet", work)
	for _, tc := range []struct{ name, userinfo string }{
		{"escape", "al%1b]0;owned%07ice"},
		{"C1 escape", "al%c2%9bice"},
		{"bidi override", "al%e2%80%aeice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.Git(t, work, "", "remote", "remove", "origin") //nolint:errcheck // absent in the first case
			e.MustGit(t, work, "", "remote", "add", "origin", "https://"+tc.userinfo+"@"+host+"/acme/app.git")
			for _, args := range [][]string{{"doctor"}, {"remotes"}} {
				tr := cmdsRun(t, e, work, "", args...)
				if !strings.Contains(tr.stdout, "names the user al") {
					t.Fatalf("%s names no user:\n%s%s", args[0], tr.stdout, tr.stderr)
				}
				if i := strings.IndexFunc(tr.stdout, func(r rune) bool {
					return r == 0x1b || r == 0x07 || r == 0x9b || r == 0x202e
				}); i >= 0 {
					t.Fatalf("%s printed a control character at %d: %q", args[0], i, tr.stdout)
				}
			}
		})
	}
}

// The check judges a remote only when every helper line git runs for it
// is one of ours whose stores can all be listed: another program's line
// (here git's credential-store, holding alice's token) or an env line of
// ours may answer alice. Then doctor says nothing, and remotes --fix
// leaves the URL alone. Regression test: doctor warned, and --fix dropped
// the user whose token git got from the other helper.
func TestRemoteUserServedByAnotherHelper(t *testing.T) {
	for _, other := range []string{"store", "env"} {
		t.Run(other, func(t *testing.T) {
			e := gittest.NewEnv(t)
			host := "git.example.com"
			file, theirs := filepath.Join(e.Home, "creds"), filepath.Join(e.Home, "theirs")
			runBin(t, e, "protocol=https\nhost="+host+"\nusername=x-token\npassword=tok-ours\n\n", "--file", file, "store")
			helpers := "[credential]\n\thelper = " + quoteConfig(helperLine("--file", file)) + "\n"
			switch other {
			case "store":
				writeFile(t, theirs, "https://alice:tok-alice@"+host+"\n")
				helpers += "\thelper = " + quoteConfig("store --file "+theirs) + "\n"
			case "env":
				tokenEnv(e, "GIT_CREDENTIAL_PAT_TOKEN", "tok-alice", "GIT_CREDENTIAL_PAT_HOST", host)
				helpers += "\thelper = " + quoteConfig(helperLine("--store", "env")) + "\n"
			}
			writeGlobal(t, e, helpers)
			remote := "https://alice@" + host + "/acme/app.git"
			repo := cmdsRepo(t, e, "origin", remote)
			if out := e.MustGit(t, repo, "url="+remote+"\n\n", "credential", "fill"); !strings.Contains(out, "password=tok-alice\n") {
				t.Fatalf("git does not get alice's token: the test proves nothing: %q", out)
			}
			if tr := cmdsRun(t, e, repo, "", "doctor"); strings.Contains(tr.stdout, "user-remotes") {
				t.Fatalf("doctor:\n%s", tr.stdout)
			}
			cmdsRun(t, e, repo, "", "remotes", "--fix")
			if got := strings.TrimSpace(e.MustGit(t, repo, "", "remote", "get-url", "origin")); got != remote {
				t.Fatalf("remotes --fix changed the URL to %s", got)
			}
		})
	}
}

// A remote's name is the repository config's, not the user's typing: a
// name that starts with '-' must reach git as a name, not an option, and
// one holding a terminal escape must not reach the terminal. Regression
// test: remotes and doctor ran "git remote get-url --all -v", which git
// read as an option (remotes failed, doctor could not check any remote),
// the fixes named "git remote set-url --push URL", and remotes printed
// the names as they were.
func TestRemoteNamesFromTheConfig(t *testing.T) {
	const host, user = "git.example.com", "x-bitbucket-api-token-auth"
	e := gittest.NewEnv(t)
	setupWithToken(t, e, host, user, "ATATT3xFfGF0ApiToken0000")
	for _, name := range []string{"-v", "--push", "\x1b]0;owned\x07x"} {
		for _, tc := range []struct {
			check, url, want string // the doctor check that flags url; what --fix makes of it
		}{
			{"ssh-remotes", "git@github.com:acme/app.git", "https://github.com/acme/app.git"},
			{"user-remotes", "https://alice@" + host + "/acme/app.git", "https://" + host + "/acme/app.git"},
			{"http-remotes", "http://" + host + "/acme/app.git", "https://" + host + "/acme/app.git"},
		} {
			t.Run(fmt.Sprintf("%q/%s", name, tc.check), func(t *testing.T) {
				work := filepath.Join(t.TempDir(), "work")
				e.MustGit(t, "", "", "init", "--quiet", work)
				e.MustGit(t, work, "", "config", "remote."+name+".url", tc.url)
				shown := strings.Map(func(r rune) rune {
					if r < ' ' {
						return '?'
					}
					return r
				}, name)
				dash := ""
				if strings.HasPrefix(name, "-") {
					dash = "-- "
				}
				controls := func(s string) bool { return strings.ContainsAny(s, "\x1b\x07") }
				tr := cmdsRun(t, e, work, "", "doctor")
				if !strings.Contains(tr.stdout, "warn  "+tc.check) || !strings.Contains(tr.stdout, "remote "+shown+" (fetch+push)") ||
					!strings.Contains(tr.stdout, "fix: git remote set-url "+dash) || controls(tr.stdout+tr.stderr) {
					t.Fatalf("doctor:\n%q\n%s", tr.stdout, tr.stderr)
				}
				tr = cmdsRun(t, e, work, "", "remotes")
				if tr.code != 0 || controls(tr.stdout+tr.stderr) || (tc.check != "http-remotes" && !strings.Contains(tr.stdout, "\n  git remote set-url "+dash)) {
					t.Fatalf("remotes: %d\n%q\n%s", tr.code, tr.stdout, tr.stderr)
				}
				tr = cmdsRun(t, e, work, "", "remotes", "--fix")
				if tr.code != 0 || controls(tr.stdout+tr.stderr) {
					t.Fatalf("remotes --fix: %d\n%q\n%s", tr.code, tr.stdout, tr.stderr)
				}
				if got := strings.TrimSpace(e.MustGit(t, work, "", "config", "remote."+name+".url")); got != tc.want {
					t.Fatalf("remote.%s.url after remotes --fix = %s, want %s", name, got, tc.want)
				}
			})
		}
	}
}

// A token given as a remote URL's user is git's to use, and never shown:
// also one in a known format whose random part holds no digit (about one
// GitLab glpat- token of 20 characters in 30). doctor and remotes say
// nothing about it; a user that only starts like a token (Hugging Face's
// hf_user) is still named. Regression test: the user-remotes check
// printed such a token, in the URL and in a suggested
// "login --username TOKEN".
func TestRemoteUserShapedLikeAToken(t *testing.T) {
	const host, user = "git.example.com", "x-bitbucket-api-token-auth"
	e := gittest.NewEnv(t)
	setupWithToken(t, e, host, user, "ATATT3xFfGF0ApiToken0000")
	for _, tc := range []struct {
		user  string
		token bool
	}{
		{"glpat-abcdefghijklmnopqrst", true},
		{"gldt-abcdefghijklmnopqrst", true},
		{"glpat-" + strings.Repeat("x", 20) + ".01.abcdefghi", true}, // with a digit: masked before too
		{"hf_user", false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "work")
			e.MustGit(t, "", "", "init", "--quiet", work)
			e.MustGit(t, work, "", "remote", "add", "origin", "https://"+tc.user+"@"+host+"/acme/app.git")
			for _, args := range [][]string{{"doctor"}, {"remotes"}} {
				tr := cmdsRun(t, e, work, "", args...)
				if shown := strings.Contains(tr.stdout+tr.stderr, tc.user); shown == tc.token {
					t.Fatalf("%s, user shown %v:\n%s%s", args[0], shown, tr.stdout, tr.stderr)
				}
			}
		})
	}
}

// A remote that names a user is judged by the request git makes for it:
// with credential.useHttpPath set for the remote's owner alone (git
// applies it to the remote's URL, path included), git sends the path, so
// that user's token stored for another owner does not answer and git
// prompts; without, it answers. git's own fill is the reference.
func TestRemoteUserJudgedWithPathScopedUseHTTPPath(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		judged    bool // git prompts, and doctor reports the remote
	}{
		{"useHttpPath for the remote's owner", "credential.https://example.com/acme.useHttpPath", true},
		{"useHttpPath for another owner", "credential.https://example.com/other.useHttpPath", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			file := filepath.Join(e.Home, "creds")
			if tr := cmdsRun(t, e, e.Home, "", "--file", file, "setup"); tr.code != 0 {
				t.Fatalf("setup: %+v", tr)
			}
			e.MustGit(t, "", "", "config", "--global", tc.key, "true")
			runBin(t, e, "protocol=https\nhost=example.com\npath=other\nusername=alice\npassword=tok-alice\n", "--file", file, "store")
			runBin(t, e, "protocol=https\nhost=example.com\nusername=bob\npassword=tok-bob\n", "--file", file, "store")
			remote := "https://alice@example.com/acme/app.git"
			out, _, _ := e.Git(t, e.Home, "url="+remote+"\n\n", "credential", "fill")
			if got := strings.Contains(out, "password=tok-alice\n"); got == tc.judged {
				t.Fatalf("git credential fill for %s = %q; the case is wrong", remote, out)
			}
			repo := cmdsRepo(t, e, "origin", remote)
			if tr := cmdsRun(t, e, repo, "", "doctor"); strings.Contains(tr.stdout, "user-remotes   remote origin") != tc.judged {
				t.Fatalf("doctor reports the remote: %v, want %v:\n%s%s", !tc.judged, tc.judged, tr.stdout, tr.stderr)
			}
		})
	}
}
