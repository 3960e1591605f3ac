package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// logout takes --owner as login and rotate do (it said "unknown flag:
// --owner"), and removes the owner's token from the store git uses for the
// owner's repositories, leaving the host-wide one.
func TestLogoutOwner(t *testing.T) {
	tests := []struct {
		name   string
		scoped bool // the owner's repositories have a credential.<url>.helper line of their own
	}{
		{"default store", false},
		{"URL-scoped line's store", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			runBin(t, e, "", "setup")
			if tt.scoped {
				e.MustGit(t, "", "", "config", "--global", "credential.https://github.com/acme.helper", "")
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.https://github.com/acme.helper", helperLine("--file", filepath.Join(e.Home, "acme-creds")))
			}
			owner, wide := cmdsToken("ghp_", rand1), cmdsToken("ghp_", rand2)
			for _, l := range []struct {
				token string
				args  []string
			}{
				{owner, []string{"login", "--owner", "acme", "--username", "alice"}},
				{wide, []string{"login", "--username", "alice"}},
			} {
				if tr := cmdsRun(t, e, e.Home, l.token, l.args...); tr.code != 0 {
					t.Fatalf("%v: %+v", l.args, tr)
				}
			}
			fill := func() string {
				out, _, _ := e.Git(t, "", "url=https://github.com/acme/app.git\n\n", "credential", "fill")
				return out
			}
			if !strings.Contains(fill(), "password="+owner+"\n") {
				t.Fatalf("git does not use the owner token (the test's configuration is off): %q", fill())
			}
			if tr := cmdsRun(t, e, e.Home, "", "logout", "--owner", "acme", "--path", "acme"); tr.code != 1 || !strings.Contains(tr.stderr, "give --owner or --path, not both") {
				t.Errorf("logout --owner --path: %+v", tr)
			}
			tr := cmdsRun(t, e, e.Home, "", "logout", "--owner", "acme")
			if tr.code != 0 || !strings.HasPrefix(tr.stdout, "Removed https://alice@github.com/acme (ghp_****"+owner[36:]+")") {
				t.Fatalf("logout --owner acme: %+v", tr)
			}
			// With its own line (after a reset) git asks only that store
			// for acme's repositories: nothing is left there.
			want := "password=" + wide + "\n"
			if tt.scoped {
				want = ""
			}
			if got := fill(); want == "" && strings.Contains(got, "password=") || want != "" && !strings.Contains(got, want) {
				t.Errorf("after logout --owner acme git gets %q, want %q", got, want)
			}
		})
	}
}

// github.com's owners are case-insensitive, and git gets an owner's token
// for any case of the owner (credential.Covers): logout --owner Acme
// removes the token stored for acme. Regression test: it found nothing.
func TestLogoutOwnerIgnoresCaseOnGitHub(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup")
	owner := cmdsToken("ghp_", rand1)
	if tr := cmdsRun(t, e, e.Home, owner, "login", "--owner", "acme", "--username", "alice", "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	if out := e.MustGit(t, "", "url=https://github.com/Acme/app.git\n\n", "credential", "fill"); !strings.Contains(out, "password="+owner+"\n") {
		t.Fatalf("git does not get acme's token for Acme: the test proves nothing: %q", out)
	}
	tr := cmdsRun(t, e, e.Home, "", "logout", "--owner", "Acme")
	if tr.code != 0 || !strings.HasPrefix(tr.stdout, "Removed https://alice@github.com/acme (") {
		t.Fatalf("logout --owner Acme: %+v", tr)
	}
}
