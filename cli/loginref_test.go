package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// noRead fails the test if login reads stdin.
type noRead struct{ t *testing.T }

func (r noRead) Read([]byte) (int, error) {
	r.t.Error("login --ref read stdin")
	return 0, errors.New("stdin must not be read")
}

func TestLoginRef(t *testing.T) {
	isolateGit(t)
	tests := []struct {
		name, ref string
		store     func() credential.Store
		wantOut   string // "" = an error containing wantErr
		wantErr   string
	}{
		{"op reference", "op://Private/GitHub PAT/token", nil,
			"Stored secret reference op://Private/GitHub PAT/token for https://x-access-token@github.com in store file; it is resolved each time git asks\n", ""},
		{"a token is refused and not echoed", "ghp_NotAReference0123456789", nil, "", "--ref takes a secret reference"},
		{"ref: without a resolver", "ref:github/token", nil, "", "no resolver configured"},
		{"a read-only store", "op://v/i/f", func() credential.Store { return backends.Resolving(readOnly{}, backends.Options{}) }, "", "did not keep the reference"},
		{"a store that cannot list", "op://v/i/f", func() credential.Store {
			return backends.Resolving(unlisted{&storetest.Memory{}}, backends.Options{})
		}, "Stored secret reference op://v/i/f", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s credential.Store = backends.Resolving(&storetest.Memory{}, backends.Options{})
			if tc.store != nil {
				s = tc.store()
			}
			stdout, stderr, err := login(t, s, "", func(o *LoginOptions) {
				o.Ref, o.Stdin = tc.ref, noRead{t}
			})
			if tc.wantOut == "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				if !backends.LooksLikeReference(tc.ref) && strings.Contains(err.Error()+stdout+stderr, tc.ref) {
					t.Fatalf("the refused value was echoed: %v", err)
				}
				return
			}
			if err != nil || !strings.HasPrefix(stdout, tc.wantOut) {
				t.Fatalf("stdout %q, err %v; want %q", stdout, err, tc.wantOut)
			}
			got, err := s.Get(credential.Peeking(context.Background()), credential.Credential{Protocol: "https", Host: "github.com"})
			if err != nil || got.Password != tc.ref || !got.SecretRef {
				t.Fatalf("stored %q marked %v, %v", got.Password, got.SecretRef, err)
			}
		})
	}
}
