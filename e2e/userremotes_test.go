package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

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
	file := filepath.Join(e.Home, "creds")
	if tr := cmdsRun(t, e, e.Home, "", "--file", file, "setup"); tr.code != 0 {
		t.Fatalf("setup: %+v", tr)
	}
	if tr := cmdsRun(t, e, e.Home, token, "--file", file, "login", "--host", host, "--username", user, "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
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
