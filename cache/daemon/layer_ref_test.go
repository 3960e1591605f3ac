//go:build unix

package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cache/daemon"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// A peek (credential.Server's compare before a store) gets the secret
// reference itself; the cache in front must not keep that as the answer,
// or the next get would hand git the reference instead of the secret.
func TestLayerDoesNotRememberPeeks(t *testing.T) {
	resolvers, err := filepath.Abs(filepath.Join("..", "..", "testdata", "resolvers"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", resolvers+string(os.PathListSeparator)+os.Getenv("PATH"))
	o := daemon.NewTestOptions(t)
	s, err := stores.Open("file", backends.Options{
		File: filepath.Join(t.TempDir(), "credentials"), Socket: o.Socket, CacheFor: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ref := credential.Credential{Protocol: "https", Host: "example.com", SecretRef: true}
	ref.SetUsername("alice")
	ref.SetPassword("op://vault/item/field")
	if err := s.Store(ctx, ref); err != nil {
		t.Fatal(err)
	}
	q := credential.Credential{Protocol: "https", Host: "example.com"}
	q.SetUsername("alice")
	if got, err := s.Get(credential.Peeking(ctx), q); err != nil || got.Password != ref.Password {
		t.Fatalf("peek: %q, %v", got.Password, err)
	}
	if got, err := s.Get(ctx, q); err != nil || got.Password != "ghp_ResolvedFromOp" {
		t.Fatalf("get after a peek: %q, %v; want the resolved secret", got.Password, err)
	}
}
