package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// The product's promise: with a token stored, clone, push and pull over
// HTTPS just work, with no prompt.
func TestPushPullOverHTTPS(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("ghp_GoodToken")
	repo := srv.NewRepo(t, "project")
	file := filepath.Join(e.Home, "creds")
	h := helperArgs("--file", file)

	// Store the token the way a person would, then let git do the rest.
	credential(t, e, []string{"--file", file}, "approve", "url="+srv.URL, "username=alice", "password=ghp_GoodToken")

	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", append(h, "clone", repo, work)...)
	if err := os.WriteFile(filepath.Join(work, "hello.txt"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.MustGit(t, work, "", "add", "hello.txt")
	e.MustGit(t, work, "", "commit", "-m", "hello")
	e.MustGit(t, work, "", append(h, "push", "origin", "HEAD:main")...)

	other := filepath.Join(e.Home, "other")
	e.MustGit(t, "", "", append(h, "clone", repo, other)...)
	e.MustGit(t, other, "", append(h, "pull")...)
	if _, err := os.Stat(filepath.Join(other, "hello.txt")); err != nil {
		t.Fatalf("pushed file not in second clone: %v", err)
	}
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
}

// A wrong token fails the push and git's reject erases it, so the next
// attempt does not reuse it.
func TestWrongTokenIsErased(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("ghp_GoodToken")
	repo := srv.NewRepo(t, "project")
	file := filepath.Join(e.Home, "creds")
	h := helperArgs("--file", file)

	credential(t, e, []string{"--file", file}, "approve", "url="+srv.URL, "username=alice", "password=ghp_Revoked")
	credential(t, e, []string{"--file", file}, "approve", "protocol=https", "host=unrelated.example", "username=bob", "password=keep-me")

	_, stderr, err := e.Git(t, "", "", append(h, "clone", repo, filepath.Join(e.Home, "work"))...)
	if err == nil {
		t.Fatal("clone with a revoked token succeeded")
	}
	if !strings.Contains(stderr, "Authentication failed") {
		t.Fatalf("unexpected failure: %s", stderr)
	}
	if _, unauthorized := srv.Requests(); unauthorized == 0 {
		t.Fatal("server saw no 401")
	}
	data, _ := os.ReadFile(file)
	if strings.Contains(string(data), "ghp_Revoked") {
		t.Fatalf("revoked token still stored:\n%s", data)
	}
	if !strings.Contains(string(data), "keep-me") {
		t.Fatalf("reject erased an unrelated entry:\n%s", data)
	}
}
