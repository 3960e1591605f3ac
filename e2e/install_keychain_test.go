//go:build linux

package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/keyringtest"
)

// With a Secret Service reachable, install.sh picks the keychain, says so,
// and a push then authenticates with the token from the keyring.
func TestInstallChoosesKeychainThenPush(t *testing.T) {
	k := keyringtest.Start(t)
	e := installEnv(t)
	e.SetenvAll(k.Env)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("ghp_KeyringToken")
	repo := srv.NewRepo(t, "project")
	prefix := filepath.Join(e.Home, "prefix")
	root, _ := filepath.Abs("..")
	if out := mustInstallSh(t, e, root, "--prefix", prefix); !strings.Contains(out, "Store: keychain (the OS keychain answered") {
		t.Fatalf("install.sh did not choose the keychain:\n%s", out)
	}
	installed := filepath.Join(prefix, "bin", "git-credential-pat")
	if got := e.MustGit(t, "", "", "config", "--global", "--get-all", "credential.helper"); got != "\n"+installed+" --store keychain\n" {
		t.Fatalf("credential.helper = %q", got)
	}

	// approve, fill, push, reject: all through git and the real keyring.
	e.MustGit(t, "", "url="+srv.URL+"\nusername=alice\npassword=ghp_KeyringToken\n\n", "credential", "approve")
	if got := e.MustGit(t, "", "url="+srv.URL+"\n\n", "credential", "fill"); !strings.Contains(got, "password=ghp_KeyringToken") {
		t.Fatalf("fill: %q", got)
	}
	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", "clone", repo, work)
	e.MustGit(t, work, "", "commit", "--allow-empty", "-m", "keychain push")
	e.MustGit(t, work, "", "push", "origin", "HEAD:main")
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
	// An independent reader sees the item under libsecret's attributes.
	lookup := exec.Command("secret-tool", "lookup", "protocol", "https", "server", "127.0.0.1", "user", "alice")
	lookup.Env = e.Vars
	if got, err := lookup.Output(); err != nil || !strings.HasPrefix(string(got), "ghp_KeyringToken") {
		t.Fatalf("secret-tool lookup: %q %v", got, err)
	}
	e.MustGit(t, "", "url="+srv.URL+"\nusername=alice\npassword=ghp_KeyringToken\n\n", "credential", "reject")
	if got, _, _ := e.Git(t, "", "url="+srv.URL+"\n\n", "credential", "fill"); strings.Contains(got, "ghp_KeyringToken") {
		t.Fatalf("reject left the token in the keyring: %q", got)
	}
}
