package main

import (
	"context"
	"io"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// getOnly hides every method of a store but Get, Store and Erase, as the
// stores that cannot list their entries (macOS's and Windows' keychains)
// have it: the erase check then asks Get whether the store holds the entry.
type getOnly struct{ inner credential.Store }

func (s getOnly) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	return s.inner.Get(ctx, q)
}
func (s getOnly) Store(ctx context.Context, c credential.Credential) error {
	return s.inner.Store(ctx, c)
}
func (s getOnly) Erase(ctx context.Context, q credential.Credential) error {
	return s.inner.Erase(ctx, q)
}

// The erase check asks the forge only about an entry the store holds. In a
// store that cannot list, a bearer entry (authtype=Bearer, credential=, no
// password) counted as none, so git's erase removed it without asking.
// Regression test: holds looked for a password only.
func TestEraseCheckHoldsWithoutListing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		stored credential.Credential
		erase  credential.Credential
		holds  bool
	}{
		{"a password entry", credential.Credential{Protocol: "https", Host: "h.example", Username: "u", Password: "tok-1", HasUsername: true, HasPassword: true},
			credential.Credential{Protocol: "https", Host: "h.example", Username: "u", Password: "tok-1", HasUsername: true, HasPassword: true}, true},
		{"a bearer entry", credential.Credential{Protocol: "https", Host: "h.example", AuthType: "Bearer", Credential: "tok-2"},
			credential.Credential{Protocol: "https", Host: "h.example", AuthType: "Bearer", Credential: "tok-2", Capabilities: []string{credential.CapAuthType}}, true},
		{"another host's bearer entry", credential.Credential{Protocol: "https", Host: "other.example", AuthType: "Bearer", Credential: "tok-3"},
			credential.Credential{Protocol: "https", Host: "h.example", AuthType: "Bearer", Credential: "tok-3", Capabilities: []string{credential.CapAuthType}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := &storetest.Memory{}
			if err := mem.Store(ctx, tc.stored); err != nil {
				t.Fatal(err)
			}
			g := &eraseGuard{inner: getOnly{mem}, stderr: io.Discard}
			if _, lists := g.inner.(credential.Lister); lists {
				t.Fatal("the store lists: the test proves nothing")
			}
			if got := g.holds(ctx, tc.erase); got != tc.holds {
				t.Fatalf("holds = %v, want %v", got, tc.holds)
			}
		})
	}
}
