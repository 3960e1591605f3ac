package e2e

import (
	"path/filepath"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// Two owners on one host, each with its own fine-grained token: with
// credential.useHttpPath, pushes to each owner's repository use the right
// token, and a third owner falls back to the host-wide token.
func TestPerOwnerTokensThroughGit(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.RestrictOwner("acme", "github_pat_ACME")
	srv.RestrictOwner("widgets", "github_pat_WIDGETS")
	srv.AllowAnyUsername("ghp_HOSTWIDE")
	repos := map[string]string{
		"acme":    srv.NewRepo(t, "acme/app"),
		"widgets": srv.NewRepo(t, "widgets/lib"),
		"mine":    srv.NewRepo(t, "mine/notes"),
	}
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--file", file}
	// git strips the path from http(s) credentials unless useHttpPath is set
	// for the host, as `login --owner` configures it.
	e.MustGit(t, "", "", "config", "--global", "credential."+srv.URL+".useHttpPath", "true")
	credential(t, e, flags, "approve", "url="+srv.URL, "username=alice", "password=ghp_HOSTWIDE")
	credential(t, e, flags, "approve", "url="+srv.URL+"/acme", "username=alice", "password=github_pat_ACME")
	credential(t, e, flags, "approve", "url="+srv.URL+"/widgets", "username=alice", "password=github_pat_WIDGETS")

	h := helperArgs(flags...)
	for owner, url := range repos {
		t.Run(owner, func(t *testing.T) {
			work := filepath.Join(e.Home, "work-"+owner)
			e.MustGit(t, "", "", append(h, "clone", url, work)...)
			e.MustGit(t, work, "", "commit", "--allow-empty", "-m", "push as "+owner)
			e.MustGit(t, work, "", append(h, "push", "origin", "HEAD:main")...)
		})
	}
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
	// Every token is still stored: none was wrongly rejected, and git's
	// store after each push did not add per-repository copies.
	all := credential(t, e, flags, "fill", "url="+srv.URL+"/acme/app.git")
	if want := "password=github_pat_ACME"; !contains(all, want) {
		t.Fatalf("acme token lost: %q", all)
	}
	assertEntries(t, file, 3)
}
