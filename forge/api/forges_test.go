package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// fakeForges is a GitLab- and Gitea-like API on one TLS test server. Each
// token's answer is in tokens: "valid", "readonly", "revoked", "inactive".
func fakeForges(t *testing.T, tokens map[string]string) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("PRIVATE-TOKEN")
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "token ") {
			tok = strings.TrimPrefix(a, "token ")
		}
		state := tokens[tok]
		switch {
		case r.URL.Path == "/api/v1/version":
			w.Write([]byte(`{"version":"1.22.3"}`))
		case state == "" || state == "revoked" && r.URL.Path != "/api/v4/personal_access_tokens/self":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"401 Unauthorized"}`))
		case r.URL.Path == "/api/v4/personal_access_tokens/self":
			scopes := []string{"read_repository", "write_repository"}
			if state == "readonly" {
				scopes = scopes[:1]
			}
			json.NewEncoder(w).Encode(map[string]any{"name": "laptop", "revoked": state == "revoked", "active": state != "revoked" && state != "inactive",
				"scopes": scopes, "expires_at": "2099-06-01"})
		case r.URL.Path == "/api/v4/personal_access_tokens/self/rotate" && r.Method == http.MethodPost:
			tokens["glpat-rotated-000000000000"] = "valid"
			tokens[tok] = "revoked"
			json.NewEncoder(w).Encode(map[string]any{"name": "laptop", "active": true, "scopes": []string{"api"}, "expires_at": r.URL.Query().Get("expires_at"), "token": "glpat-rotated-000000000000"})
		case r.URL.Path == "/api/v1/user":
			w.Write([]byte(`{"login":"carol"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestForgeVerify(t *testing.T) {
	tokens := map[string]string{"glpat-good": "valid", "glpat-ro": "readonly", "glpat-dead": "revoked", "glpat-off": "inactive", "0123abcd": "valid"}
	srv := fakeForges(t, tokens)
	host := strings.TrimPrefix(srv.URL, "https://")
	ctx := context.Background()
	for _, tc := range []struct {
		kind, token string
		login, miss string
		err         error
	}{
		{forge.KindGitLab, "glpat-good", "", "", nil},
		{forge.KindGitLab, "glpat-ro", "", "write_repository", nil},
		{forge.KindGitLab, "glpat-dead", "", "", ErrTokenRejected},
		{forge.KindGitLab, "glpat-off", "", "", ErrTokenRejected},
		{forge.KindGitLab, "glpat-unknown", "", "", ErrTokenRejected},
		{forge.KindGitea, "0123abcd", "carol", "", nil},
		{forge.KindGitea, "ffff", "", "", ErrTokenRejected},
	} {
		api, err := Base(host, tc.kind)
		if err != nil || !strings.HasPrefix(api, "https://"+host+"/api/v") {
			t.Fatalf("Base(%s, %s) = %q, %v", host, tc.kind, api, err)
		}
		v, err := Verify(ctx, srv.Client(), tc.kind, api, tc.token)
		if !errors.Is(err, tc.err) || (tc.err != nil) != (err != nil) {
			t.Errorf("%s %s: err %v, want %v", tc.kind, tc.token, err, tc.err)
			continue
		}
		if err == nil && (v.Login != tc.login || v.Missing != tc.miss) {
			t.Errorf("%s %s: %+v, want login %q missing %q", tc.kind, tc.token, v, tc.login, tc.miss)
		}
		if err == nil && tc.kind == forge.KindGitLab && !v.Expires.Equal(time.Date(2099, 6, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("GitLab expiry %v", v.Expires)
		}
	}
	if v, ok := ProbeGitea(ctx, srv.Client(), host); !ok || v != "1.22.3" {
		t.Errorf("ProbeGitea = %q, %v", v, ok)
	}
	if _, ok := ProbeGitea(ctx, srv.Client(), "127.0.0.1:1"); ok {
		t.Error("ProbeGitea on a closed port said Gitea")
	}
	// Base alone has no API for Bitbucket and Azure DevOps: their tokens
	// are checked per repository or organization (BaseFor, cloud_test.go).
	for _, k := range []string{forge.KindBitbucket, forge.KindAzure, ""} {
		if api, _ := Base("bitbucket.org", k); api != "" {
			t.Errorf("Base for %q = %q", k, api)
		}
	}
}

func TestRotateGitLab(t *testing.T) {
	tokens := map[string]string{"glpat-old": "valid"}
	srv := fakeForges(t, tokens)
	api := srv.URL + "/api/v4"
	newTok, v, err := RotateGitLab(context.Background(), srv.Client(), api, "glpat-old", time.Date(2099, 1, 2, 0, 0, 0, 0, time.UTC))
	if err != nil || newTok != "glpat-rotated-000000000000" || v.Expires.Format("2006-01-02") != "2099-01-02" {
		t.Fatalf("rotate: %q %+v %v", newTok, v, err)
	}
	if _, err := VerifyGitLab(context.Background(), srv.Client(), api, "glpat-old"); !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("old token after rotate: %v", err)
	}
}

// The erase check keeps a token only when the forge says it is valid.
func TestKeepOnErase(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	tokens := map[string]string{"glpat-good": "valid", "glpat-dead": "revoked", "0123abcd": "valid"}
	srv := fakeForges(t, tokens)
	host := strings.TrimPrefix(srv.URL, "https://")
	giteaSrv := fakeForges(t, tokens) // a second host, remembered as Gitea
	giteaHost := strings.TrimPrefix(giteaSrv.URL, "https://")
	if err := Remember(giteaHost, forge.KindGitea); err != nil {
		t.Fatal(err)
	}
	cred := func(host, tok string) credential.Credential {
		c := credential.Credential{Protocol: "https", Host: host, Path: "acme/app.git"}
		c.SetPassword(tok)
		return c
	}
	for _, tc := range []struct {
		name string
		c    credential.Credential
		keep bool
		why  string
	}{
		{"GitLab valid: kept", cred(host, "glpat-good"), true, "GitLab's API says it is still valid"},
		{"GitLab revoked: erased", cred(host, "glpat-dead"), false, ""},
		{"Gitea (remembered) valid: kept", cred(giteaHost, "0123abcd"), true, "Gitea/Forgejo's API"},
		{"Gitea (remembered) unknown token: erased", cred(giteaHost, "ffff"), false, ""},
		{"unreachable forge: erased", cred("127.0.0.1:1", "glpat-good"), false, ""},
		{"not a known forge: erased, nothing asked", cred(host, "0123abcd"), false, ""},
		{"plain http: erased", credential.Credential{Protocol: "http", Host: host, Password: "glpat-good", HasPassword: true}, false, ""},
	} {
		client := srv.Client()
		if tc.c.Host == giteaHost {
			client = giteaSrv.Client()
		}
		keep, why := KeepOnErase(context.Background(), client, tc.c)
		if keep != tc.keep || !strings.Contains(why, tc.why) || strings.Contains(why, tc.c.Password) {
			t.Errorf("%s: keep=%v why=%q", tc.name, keep, why)
		}
	}
}
