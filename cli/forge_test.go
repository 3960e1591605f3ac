package cli

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeGitHub answers GET /user like GitHub's API for a few known tokens.
func fakeGitHub(t *testing.T) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user" {
			http.NotFound(w, r)
			return
		}
		switch r.Header.Get("Authorization") {
		case "Bearer github_pat_FINE":
			w.Header().Set("GitHub-Authentication-Token-Expiration", "2026-12-01 10:00:00 UTC")
			w.Write([]byte(`{"login":"alice"}`))
		case "Bearer ghp_CLASSIC":
			w.Header().Set("X-OAuth-Scopes", "repo, workflow")
			w.Write([]byte(`{"login":"bob"}`))
		case "Bearer github_pat_SSO":
			w.Header().Set("X-GitHub-SSO", "required; url=https://github.com/orgs/acme/sso?authorization_request=x")
			w.WriteHeader(http.StatusForbidden)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Bad credentials"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerifyGitHub(t *testing.T) {
	srv := fakeGitHub(t)
	tests := []struct {
		token   string
		want    Verification
		wantErr error
	}{
		{"github_pat_FINE", Verification{Login: "alice", Expires: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}, nil},
		{"ghp_CLASSIC", Verification{Login: "bob", Scopes: "repo, workflow"}, nil},
		{"github_pat_SSO", Verification{}, ErrSSORequired},
		{"ghp_REVOKED", Verification{}, ErrTokenRejected},
	}
	for _, tc := range tests {
		t.Run(tc.token, func(t *testing.T) {
			got, err := VerifyGitHub(context.Background(), srv.Client(), srv.URL, tc.token)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), tc.token) {
				t.Fatalf("error leaks the token: %v", err)
			}
			if !got.Expires.Equal(tc.want.Expires) || got.Login != tc.want.Login || got.Scopes != tc.want.Scopes {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	// No network: an "unreachable" error, which login turns into "stored, not verified".
	srv.Close()
	if _, err := VerifyGitHub(context.Background(), srv.Client(), srv.URL, "github_pat_FINE"); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("closed server: err = %v", err)
	}
}

func TestGitHubAPI(t *testing.T) {
	t.Setenv(APIEnv, "")
	for host, want := range map[string]string{
		"github.com":         "https://api.github.com",
		"GitHub.com":         "https://api.github.com",
		"github.example.com": "https://github.example.com/api/v3",
		"gitlab.com":         "",
	} {
		if got := GitHubAPI(host); got != want {
			t.Errorf("GitHubAPI(%q) = %q, want %q", host, got, want)
		}
	}
	t.Setenv(APIEnv, "https://127.0.0.1:1/")
	if got := GitHubAPI("github.com"); got != "https://127.0.0.1:1" {
		t.Errorf("override: %q", got)
	}
}
