package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// README's first command, then a push that uses the stored token through
// the git config install.sh wrote (no -c overrides).
func TestInstallThenPush(t *testing.T) {
	e := installEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("ghp_InstalledToken")
	repo := srv.NewRepo(t, "project")
	prefix := filepath.Join(e.Home, "prefix")

	root, _ := filepath.Abs("..")
	install := func() string { return mustInstallSh(t, e, root, "--prefix", prefix) }
	out := install()
	installed := filepath.Join(prefix, "bin", "git-credential-pat")
	if st, err := os.Stat(installed); err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("binary not installed: %v %s", err, out)
	}
	if !strings.Contains(out, "Installed "+installed) || !strings.Contains(out, "Store: file (") || !strings.Contains(out, "because no OS keychain answered: keychain: no D-Bus session bus") {
		t.Fatalf("install.sh did not say where it put the binary and which store it chose:\n%s", out)
	}
	// Re-running is safe: the config is not duplicated.
	install()
	if got := e.MustGit(t, "", "", "config", "--global", "--get-all", "credential.helper"); got != "\n"+installed+" --store file\n" {
		t.Fatalf("credential.helper after two installs = %q", got)
	}

	e.MustGit(t, "", "url="+srv.URL+"\nusername=alice\npassword=ghp_InstalledToken\n\n", "credential", "approve")
	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", "clone", repo, work)
	e.MustGit(t, work, "", "commit", "--allow-empty", "-m", "from install test")
	e.MustGit(t, work, "", "push", "origin", "HEAD:main")
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
	data, err := os.ReadFile(filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials"))
	if err != nil || !strings.Contains(string(data), "ghp_InstalledToken") {
		t.Fatalf("token not in the default file store: %v", err)
	}
}
