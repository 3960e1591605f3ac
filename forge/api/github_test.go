package api

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
		case "Bearer ghp_READONLY":
			w.Header().Set("X-OAuth-Scopes", "read:org, gist")
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
		{"ghp_READONLY", Verification{Login: "bob", Scopes: "read:org, gist", Missing: "repo"}, nil},
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
			if !got.Expires.Equal(tc.want.Expires) || got.Login != tc.want.Login || got.Scopes != tc.want.Scopes || got.Missing != tc.want.Missing {
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
	for _, tc := range []struct {
		override, host, want, err string
	}{
		{"", "github.com", "https://api.github.com", ""},
		{"", "GitHub.com", "https://api.github.com", ""},
		{"", "github.com:443", "https://api.github.com", ""},
		{"", "github.com:8443", "", ""},
		{"", "github.example.com", "https://github.example.com/api/v3", ""},
		{"", "github.example.com:8443", "https://github.example.com:8443/api/v3", ""}, // the token's own port
		// GitHub Enterprise Cloud with data residency: the API is on api.SUBDOMAIN.ghe.com.
		{"", "acme.ghe.com", "https://api.acme.ghe.com", ""},
		{"", "Acme.GHE.com:443", "https://api.acme.ghe.com", ""},
		{"", "github.ghe.com", "https://api.github.ghe.com", ""},
		{"", "acme.ghe.com:8443", "", ""}, // GHE.com serves only the HTTPS port
		{"", "a.b.ghe.com", "", ""},       // not one enterprise's subdomain
		{"", "ghe.com", "", ""},
		{"https://127.0.0.1:1", "acme.ghe.com", "https://api.acme.ghe.com", ""}, // the override is github.com's only
		{"", "gitlab.com", "", ""},
		{"", "", "", ""},
		// The override stands in for github.com only.
		{"https://127.0.0.1:1/", "github.com", "https://127.0.0.1:1", ""},
		{"https://proxy.example/api", "github.com", "https://proxy.example/api", ""},
		{"https://127.0.0.1:1", "gitlab.com", "", ""},
		{"https://127.0.0.1:1", "git.internal.example", "", ""},
		{"https://127.0.0.1:1", "github.example.com", "https://github.example.com/api/v3", ""},
		{"http://127.0.0.1:1", "github.com", "http://127.0.0.1:1", ""},
		{"http://localhost:1", "github.com", "http://localhost:1", ""},
		{"http://[::1]:1", "github.com", "http://[::1]:1", ""},
		// Refused: plain http elsewhere, no URL, credentials in it.
		{"http://api.example.com", "github.com", "", "would send github.com tokens unencrypted"},
		{"http://api.example.com", "gitlab.com", "", ""},
		{"api.example.com", "github.com", "", "is not an https:// URL"},
		{"ftp://api.example.com", "github.com", "", "is not an https:// URL"},
		{"https://u:pw@api.example.com", "github.com", "", "must not hold a user or password"},
	} {
		t.Setenv(APIEnv, tc.override)
		got, err := GitHubAPI(tc.host)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("with %s=%q: GitHubAPI(%q) = %q, %v; want %q, %q", APIEnv, tc.override, tc.host, got, err, tc.want, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("the error quotes the override's password: %v", err)
		}
	}
}
