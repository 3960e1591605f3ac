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

// matchStores gives each store a test runs against: its helper flags, in
// an environment of its own (a private gnome-keyring for the keychain, a
// private daemon socket for the cache).
func matchStores(t *testing.T) map[string]func(t *testing.T) (*gittest.Env, []string) {
	return map[string]func(t *testing.T) (*gittest.Env, []string){
		"file": func(t *testing.T) (*gittest.Env, []string) {
			e := gittest.NewEnv(t)
			return e, []string{"--file", filepath.Join(e.Home, "creds")}
		},
		"cache": func(t *testing.T) (*gittest.Env, []string) {
			e, socket := cacheEnv(t)
			return e, []string{"--store", "cache", "--socket", socket}
		},
		"keychain": func(t *testing.T) (*gittest.Env, []string) {
			k := keyringtest.Start(t)
			e := gittest.NewEnv(t)
			e.SetenvAll(k.Env)
			return e, []string{"--store", "keychain"}
		},
	}
}

// gitCredential runs `git credential ACTION` with our helper and extra git
// options, and returns stdout and git's error (a fill nobody answers fails:
// prompts are off).
func gitCredential(t *testing.T, e *gittest.Env, flags, gitOpts []string, action string, in ...string) (string, error) {
	t.Helper()
	args := append(append(helperArgs(flags...), gitOpts...), "credential", action)
	out, _, err := e.Git(t, "", strings.Join(in, "\n")+"\n\n", args...)
	return out, err
}

// git sends "host=" for a URL without a host (https:///x). That host is
// empty, not "any host": it must not get github.com's token, and a reject
// for it must not erase every entry (issue 13, item 2).
func TestEmptyHostGetsNoOtherHostsToken(t *testing.T) {
	for name, open := range matchStores(t) {
		t.Run(name, func(t *testing.T) {
			e, flags := open(t)
			credential(t, e, flags, "approve", "protocol=https", "host=github.com", "username=u", "password=ghp_GITHUB")
			credential(t, e, flags, "approve", "protocol=https", "host=gitlab.example", "username=u", "password=glpat_GITLAB")

			for _, url := range []string{"https:///x", "https://"} {
				out, err := gitCredential(t, e, flags, nil, "fill", "url="+url)
				if err == nil || strings.Contains(out, "password=") {
					t.Fatalf("git credential fill url=%s answered %q (%v); want no token", url, out, err)
				}
			}
			if out, stderr, code := runBin(t, e, "protocol=https\nhost=\n", append(flags, "get")...); out != "" || code != 0 {
				t.Fatalf("get host= : %q %q exit %d; want nothing", out, stderr, code)
			}

			// Reject, through git and directly, with and without a username.
			gitCredential(t, e, flags, nil, "reject", "url=https:///x", "username=u", "password=ghp_GITHUB")
			for _, in := range []string{"protocol=https\nhost=\n", "protocol=https\nhost=\nusername=u\n", "host=\n"} {
				if _, stderr, code := runBin(t, e, in, append(flags, "erase")...); code != 0 {
					t.Fatalf("erase %q: exit %d %s", in, code, stderr)
				}
			}
			for host, token := range map[string]string{"github.com": "ghp_GITHUB", "gitlab.example": "glpat_GITLAB"} {
				if out := credential(t, e, flags, "fill", "protocol=https", "host="+host); !strings.Contains(out, "password="+token+"\n") {
					t.Fatalf("%s's token is gone after an erase for an empty host: %q", host, out)
				}
			}
		})
	}
}

// A path with dot segments, plain or percent-encoded, names another
// repository than its prefix once the server resolves it: it gets no
// owner token, and a reject for it leaves the owner token alone (issue 13,
// item 5).
func TestDotSegmentsGetNoOwnerToken(t *testing.T) {
	useHTTPPath := []string{"-c", "credential.useHttpPath=true"}
	for name, open := range matchStores(t) {
		t.Run(name, func(t *testing.T) {
			e, flags := open(t)
			// As login --owner configures it: git sends the path.
			e.MustGit(t, "", "", "config", "--global", "credential.https://github.com.useHttpPath", "true")
			credential(t, e, flags, "approve", "url=https://github.com/acme", "username=u", "password=github_pat_ACME")

			// git percent-decodes the remote's path before it asks the
			// helper; curl sends %2e%2e as it is and the server resolves it.
			for _, url := range []string{
				"https://github.com/acme/../evil/repo.git",
				"https://github.com/acme/%2e%2e/evil/repo.git",
				"https://github.com/acme/%252e%252e/evil/repo.git",
				"https://github.com/acme/./repo.git",
			} {
				out, err := gitCredential(t, e, flags, useHTTPPath, "fill", "url="+url)
				if err == nil || strings.Contains(out, "github_pat_ACME") {
					t.Fatalf("fill %s answered %q (%v); want no token", url, out, err)
				}
				// The server rejects whatever git sent: git erases it.
				if _, err := gitCredential(t, e, flags, useHTTPPath, "reject", "url="+url, "username=u", "password=github_pat_ACME"); err != nil {
					t.Fatalf("reject %s: %v", url, err)
				}
			}
			out, err := gitCredential(t, e, flags, useHTTPPath, "fill", "url=https://github.com/acme/app.git")
			if err != nil || !strings.Contains(out, "password=github_pat_ACME\n") {
				t.Fatalf("the acme token no longer answers acme/app.git: %q %v", out, err)
			}

			// A host-wide token still answers such a path: it covers the host.
			credential(t, e, flags, "approve", "url=https://github.com", "username=u", "password=ghp_WIDE")
			out, err = gitCredential(t, e, flags, useHTTPPath, "fill", "url=https://github.com/acme/%2e%2e/evil/repo.git")
			if err != nil || !strings.Contains(out, "password=ghp_WIDE\n") {
				t.Fatalf("host-wide token for a dot-segment path: %q %v", out, err)
			}
		})
	}
}

// store refuses a protocol that is not a URL scheme: written unescaped
// into the file, "https://mallory:ghp_X@github.com/x?" made an entry that
// answered github.com with mallory's token (issue 13, item 10).
func TestStoreRefusesProtocolThatIsNotAScheme(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	for _, proto := range []string{"https://mallory:ghp_MALLORY@github.com/x?", "https:", "1https", "ht tp"} {
		in := "protocol=" + proto + "\nhost=example.com\nusername=u\npassword=tok\n"
		_, stderr, code := runBin(t, e, in, "--file", file, "store")
		if code == 0 || !strings.Contains(stderr, "protocol is not a URL scheme") || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "ghp_MALLORY") {
			t.Fatalf("store protocol=%q: exit %d, stderr %q; want one line refusing it, without the value", proto, code, stderr)
		}
	}
	if data, err := os.ReadFile(file); err == nil {
		t.Fatalf("the file was written: %q", data)
	}
	if out, _, _ := runBin(t, e, "protocol=https\nhost=github.com\n", "--file", file, "get"); out != "" {
		t.Fatalf("github.com is answered: %q", out)
	}
	// A real scheme is stored as before.
	if _, stderr, code := runBin(t, e, "protocol=git+ssh\nhost=example.com\nusername=u\npassword=tok\n", "--file", file, "store"); code != 0 {
		t.Fatalf("store protocol=git+ssh: %s", stderr)
	}
}

// mallory's /tmp/shared/creds -> victim's .profile: the helper resolves
// symlinks itself (dotfile setups), so the kernel's protected_symlinks rule
// did not apply and store prepended a token line to .profile. A symlink
// another user made in a sticky world-writable directory is refused, with
// an error that says why (issue 13, item 9).
func TestForeignSymlinkInStickyDirRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root and must be able to act as another user")
		}
		t.Skip("acting as another user needs root")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatal("setpriv (util-linux) is needed: ", err)
	}
	e := gittest.NewEnv(t)
	profile := filepath.Join(e.Home, ".profile")
	const before = "export PATH=$HOME/bin:$PATH\n"
	if err := os.WriteFile(profile, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	top, err := os.MkdirTemp("", "gcp-shared-") // t.TempDir's parent is 0700: uid 65534 could not reach it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	shared := filepath.Join(top, "shared")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	// A /tmp of our own: traversable by all, the shared dir 1777.
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(shared, "creds")
	mallory := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "ln", "-s", profile, link)
	if out, err := mallory.CombinedOutput(); err != nil {
		t.Fatalf("ln -s as uid 65534: %v %s", err, out)
	}

	in := "protocol=https\nhost=github.com\nusername=u\npassword=ghp_VICTIM\n"
	for _, action := range []string{"store", "get", "erase"} {
		_, stderr, code := runBin(t, e, in, "--file", link, action)
		if code == 0 || !strings.Contains(stderr, "another user (uid 65534)") || !strings.Contains(stderr, "sticky") || strings.Contains(stderr, "ghp_VICTIM") {
			t.Fatalf("%s through mallory's link: exit %d, stderr %q; want a refusal that says why", action, code, stderr)
		}
	}
	if data, _ := os.ReadFile(profile); string(data) != before {
		t.Fatalf(".profile was written: %q", data)
	}
	// Our own link in the same directory is followed, as before.
	own := filepath.Join(shared, "mine")
	if err := os.WriteFile(filepath.Join(e.Home, "creds"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(e.Home, "creds"), own); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runBin(t, e, in, "--file", own, "store"); code != 0 {
		t.Fatalf("store through our own link: %s", stderr)
	}
	assertEntries(t, filepath.Join(e.Home, "creds"), 1)
}
