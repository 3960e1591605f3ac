//go:build linux

package e2e

import (
	"os"
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

// README's tour on a Linux desktop: install.sh picks the keychain, then the
// plain commands (no store flags) use it too, because they read git's
// helper line: login, list, a push through git, logout. The token is in
// the keyring (secret-tool finds it) and no credentials file is written.
func TestInstallKeychainThenPlainCommands(t *testing.T) {
	k := keyringtest.Start(t)
	keyringtest.NeedTool(t, "secret-tool")
	e := installEnv(t)
	e.SetenvAll(k.Env)
	srv := gittest.StartServer(t)
	srv.Use(e)
	const token = "forge-token-keyring-0123456789"
	srv.AllowAnyUsername(token)
	repo := srv.NewRepo(t, "project")
	host := strings.TrimPrefix(srv.URL, "https://")
	prefix := filepath.Join(e.Home, "prefix")
	root, _ := filepath.Abs("..")
	if out := mustInstallSh(t, e, root, "--prefix", prefix); !strings.Contains(out, "Store: keychain (the OS keychain answered") {
		t.Fatalf("install.sh did not choose the keychain:\n%s", out)
	}
	installed := filepath.Join(prefix, "bin", "git-credential-pat")
	run := func(stdin string, args ...string) transcript {
		t.Helper()
		tr, err := runExe(e, installed, stdin, args...)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	search := func() string {
		t.Helper()
		cmd := exec.Command("secret-tool", "search", "--all", "server", "127.0.0.1")
		cmd.Env = e.Vars
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	credsFile := filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials")

	if tr := run(token+"\n", "login", "--host", host); tr.code != 0 || tr.stderr != "" ||
		tr.stdout != "Stored token ****6789 for https://x-access-token@"+host+" in store keychain\n" {
		t.Fatalf("login: %+v", tr)
	}
	if got := search(); !strings.Contains(got, token) {
		t.Fatalf("secret-tool search does not find the token:\n%s", got)
	}
	if tr := run("", "list"); tr.code != 0 || !strings.Contains(tr.stdout, host) || !strings.Contains(tr.stdout, "keychain") || strings.Contains(tr.stdout, token) {
		t.Fatalf("list: %+v", tr)
	}
	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", "clone", repo, work)
	e.MustGit(t, work, "", "commit", "--allow-empty", "-m", "keychain tour")
	e.MustGit(t, work, "", "push", "origin", "HEAD:main")
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
	if tr := run("", "logout", "--host", host); tr.code != 0 || tr.stdout != "Removed https://x-access-token@"+host+" (****6789) from store keychain\n" {
		t.Fatalf("logout: %+v", tr)
	}
	if got := search(); strings.Contains(got, token) {
		t.Fatalf("logout left the token in the keyring:\n%s", got)
	}
	if _, err := os.Stat(credsFile); err == nil {
		data, _ := os.ReadFile(credsFile)
		t.Fatalf("a credentials file was written (%s):\n%s", credsFile, data)
	}
}
