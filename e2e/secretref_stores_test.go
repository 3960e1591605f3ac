//go:build linux

package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/keyringtest"
)

// login --ref with the keychain (a real gnome-keyring) and the cache
// daemon: the mark is kept, so the reference is resolved for git and
// survives git's approve of the resolved token, while a reference-looking
// password that git stored is handed back as it is, with nothing run.
func TestLoginRefOtherStores(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) (*gittest.Env, []string)
	}{
		{"keychain", func(t *testing.T) (*gittest.Env, []string) {
			k := keyringtest.Start(t)
			e := gittest.NewEnv(t)
			e.SetenvAll(k.Env)
			return e, []string{"--store", "keychain"}
		}},
		{"cache", func(t *testing.T) (*gittest.Env, []string) {
			e, socket := cacheEnv(t)
			return e, []string{"--store", "cache", "--socket", socket}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, flags := tc.setup(t)
			ran := fakeManagers(t, e)
			runs := func() int {
				data, _ := os.ReadFile(ran)
				return strings.Count(string(data), "\n")
			}
			const ref = "op://Private/GitHub/token"

			if _, stderr, code := runBin(t, e, "", append(flags, "login", "--ref", ref, "--host", "marked.example", "--username", "alice")...); code != 0 {
				t.Fatalf("login --ref: %s", stderr)
			}
			fill := func(host string) string {
				return credential(t, e, flags, "fill", "protocol=https", "host="+host)
			}
			if got := fill("marked.example"); !strings.Contains(got, "password="+theRealSecret+"\n") || runs() != 1 {
				t.Fatalf("fill of the marked reference: %q, %d runs", got, runs())
			}
			credential(t, e, flags, "approve", "protocol=https", "host=marked.example", "username=alice", "password="+theRealSecret)
			if got := fill("marked.example"); !strings.Contains(got, "password="+theRealSecret+"\n") || runs() != 2 {
				t.Fatalf("after approve the reference is gone: %q, %d runs", got, runs())
			}

			credential(t, e, flags, "approve", "protocol=https", "host=planted.example", "username=x", "password="+ref)
			if got := fill("planted.example"); !strings.Contains(got, "password="+ref+"\n") || runs() != 2 {
				t.Fatalf("fill of a reference git stored: %q, %d runs", got, runs())
			}
			credential(t, e, flags, "reject", "protocol=https", "host=planted.example", "username=x", "password="+ref)
			if out, _, _ := runBin(t, e, "protocol=https\nhost=planted.example\n", append(flags, "get")...); out != "" {
				t.Fatalf("reject left the planted entry: %q", out)
			}
		})
	}
}
