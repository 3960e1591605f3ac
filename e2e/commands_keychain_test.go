//go:build linux

package e2e

import (
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/keyringtest"
)

// The user commands work the same with the keychain store (a real
// gnome-keyring on a private session bus).
func TestCommandsWithKeychain(t *testing.T) {
	k := keyringtest.Start(t)
	e := gittest.NewEnv(t)
	e.SetenvAll(k.Env)
	token := cmdsToken("gho_", rand1)
	kc := []string{"--store", "keychain"}

	// Logging in to the keychain while git reads the file store is a mistake
	// login points out.
	runBin(t, e, "", "setup")
	tr := cmdsRun(t, e, e.Home, token, append(kc, "login", "--username", "alice", "--expires", "30d")...)
	if tr.code != 0 || !strings.HasPrefix(tr.stdout, "Stored GitHub OAuth token gho_****"+token[36:]+" for https://alice@github.com in store keychain (expires in 30 days, ") ||
		!strings.Contains(tr.stderr, "warning: git runs git-credential-pat with --store file (global, ") ||
		!strings.HasSuffix(tr.stderr, "not the store this token went to; run: git-credential-pat --store file login\n") {
		t.Fatalf("login to the keychain with git reading the file store: %+v", tr)
	}
	runBin(t, e, "", "--store", "keychain", "setup")
	cmdsRun(t, e, e.Home, token, append(kc, "login", "--username", "alice")...).want(t,
		"Replaced GitHub OAuth token gho_****"+token[36:]+" for https://alice@github.com in store keychain\n", "", 0)

	// git finds it through the configured helper.
	if out := e.MustGit(t, "", "url=https://github.com/acme/app.git\n\n", "credential", "fill"); !strings.Contains(out, "username=alice\npassword="+token+"\n") {
		t.Fatalf("git credential fill = %q", out)
	}
	entries := listJSON(t, e, kc...)
	if len(entries) != 1 || entries[0]["token"] != "gho_****"+token[36:] || entries[0]["store"] != "keychain" || entries[0]["username"] != "alice" {
		t.Fatalf("list --json with the keychain: %v", entries)
	}
	tr = cmdsRun(t, e, e.Home, "", append(kc, "doctor")...)
	if !strings.Contains(tr.stdout, "\nok    store          store keychain answers and holds 1 token(s)\n") ||
		!strings.Contains(tr.stdout, "\nok    helpers        git runs git-credential-pat first (global, ") {
		t.Fatalf("doctor with the keychain: %+v", tr)
	}
	cmdsRun(t, e, e.Home, "", append(kc, "logout")...).want(t,
		"Removed https://alice@github.com (gho_****"+token[36:]+") from store keychain\n", "", 0)
	cmdsRun(t, e, e.Home, "", append(kc, "list")...).want(t,
		"No tokens in store keychain. Add one with: git-credential-pat --store keychain login\n", "", 0)
}
