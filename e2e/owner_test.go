package e2e

import (
	"path/filepath"
	"strings"
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

// login --owner, then pushes through the system git (2.39 on Debian 12
// sends neither password_expiry_utc nor state[] back to store): the store
// keeps exactly what login stored, rotate --owner changes what pushes use,
// and logout --path removes that path's token only.
func TestOwnerTokenAcrossPushesRotateLogout(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	host := strings.TrimPrefix(srv.URL, "https://")
	first, second := fineGrained("OWN1"), fineGrained("OWN2")
	srv.RestrictOwner("acme", first)
	repo := srv.NewRepo(t, "acme/app")
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	h := helperArgs(store...)
	mustRun := func(stdin string, args ...string) transcript {
		t.Helper()
		tr := cmdsRun(t, e, e.Home, stdin, append(store, args...)...)
		if tr.code != 0 {
			t.Fatalf("%s: %+v", strings.Join(args, " "), tr)
		}
		return tr
	}
	list := func() string { t.Helper(); return mustRun("", "list").stdout }
	work := filepath.Join(e.Home, "work")
	push := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			e.MustGit(t, work, "", "commit", "--quiet", "--allow-empty", "-m", "push")
			e.MustGit(t, work, "", append(h, "push", "--quiet", "origin", "HEAD:main")...)
		}
	}

	mustRun(first, "login", "--host", host, "--owner", "acme", "--expires", "2099-01-01")
	afterLogin := list()
	e.MustGit(t, "", "", append(h, "clone", "--quiet", repo, work)...)
	push(3)
	if got := list(); got != afterLogin {
		t.Fatalf("list after clone and 3 pushes:\n%s\nwant, as after login:\n%s", got, afterLogin)
	}
	assertEntries(t, file, 1)

	// rotate --owner: the server now takes only the new token, and pushes use it.
	srv.RestrictOwner("acme", second)
	mustRun(second, "rotate", "--host", host, "--owner", "acme")
	push(1)
	assertEntries(t, file, 1)
	afterRotate := list()

	// A token stored for the repository itself (the same token) goes with
	// logout --path; the owner's stays and pushes keep working.
	mustRun(second, "login", "--host", host, "--path", "acme/app.git")
	assertEntries(t, file, 2)
	tr := mustRun("", "logout", "--host", host, "--path", "acme/app.git")
	if strings.Count(tr.stdout, "Removed ") != 1 || !strings.Contains(tr.stdout, "/acme/app.git (") {
		t.Fatalf("logout --path removed other than the path's token:\n%s", tr.stdout)
	}
	if got := list(); got != afterRotate {
		t.Fatalf("list after logout --path:\n%s\nwant:\n%s", got, afterRotate)
	}
	push(1)
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
}

// login --owner turns credential.useHttpPath on for the host only when git
// does not already send the path for the owner's repositories: a
// credential.https://HOST/OWNER.useHttpPath setting does that, as git
// applies it to the repository's URL, path included; doctor agrees.
func TestLoginOwnerHonoursAPathScopedUseHTTPPath(t *testing.T) {
	for _, tc := range []struct {
		name, key string // key: set true before login ("": none)
		hostSet   bool   // login sets credential.https://example.com.useHttpPath
	}{
		{"set for the owner", "credential.https://example.com/acme.useHttpPath", false},
		{"set for the owner with a slash", "credential.https://example.com/acme/.useHttpPath", false},
		{"set for another owner", "credential.https://example.com/other.useHttpPath", true},
		{"not set", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			runBin(t, e, "", "setup")
			if tc.key != "" {
				e.MustGit(t, "", "", "config", "--global", tc.key, "true")
			}
			tr := cmdsRun(t, e, e.Home, "tok-acme-00000000000", "login", "--host", "example.com", "--owner", "acme", "--no-verify")
			if tr.code != 0 {
				t.Fatalf("login: %+v", tr)
			}
			_, _, err := e.Git(t, "", "", "config", "--global", "--get", "credential.https://example.com.useHttpPath")
			if set := err == nil; set != tc.hostSet || strings.Contains(tr.stdout, "useHttpPath = true") != tc.hostSet {
				t.Fatalf("login set useHttpPath for the host: %v, want %v: %+v", set, tc.hostSet, tr)
			}
			// git sends the path for the owner's repository and gets the token.
			out := e.MustGit(t, e.Home, "url=https://example.com/acme/app.git\n\n", "credential", "fill")
			if !strings.Contains(out, "password=tok-acme-00000000000\n") {
				t.Fatalf("git credential fill = %q", out)
			}
			if d := cmdsRun(t, e, e.Home, "", "doctor"); !strings.Contains(d.stdout, "ok    use-http-path") {
				t.Fatalf("doctor: %+v", d)
			}
		})
	}
}
