package api

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// fakeCloud is an Azure DevOps- and Bitbucket Cloud-like API on a TLS test
// server. tokens says how each token answers: "valid", "noscope" (403),
// "signin" (Azure's 203 sign-in page), "gone" (404); any other token gets
// 401. Azure tokens come as Basic ":TOKEN", Bitbucket's as Bearer.
func fakeCloud(t *testing.T, tokens map[string]string) (*httptest.Server, *[]string) {
	var seen []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.RequestURI())
		a := r.Header.Get("Authorization")
		var tok string
		switch {
		case strings.HasPrefix(a, "Basic ") && strings.Contains(r.URL.Path, "/_apis/git/repositories"):
			b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "Basic "))
			tok = strings.TrimPrefix(string(b), ":")
		case strings.HasPrefix(a, "Bearer ") && strings.HasPrefix(r.URL.Path, "/2.0/repositories/"):
			tok = strings.TrimPrefix(a, "Bearer ")
		}
		switch tokens[tok] {
		case "valid":
			w.Write([]byte(`{"value":[]}`))
		case "noscope":
			w.WriteHeader(http.StatusForbidden)
		case "signin":
			w.WriteHeader(http.StatusNonAuthoritativeInfo)
			w.Write([]byte("<html>Sign In</html>"))
		case "gone":
			http.NotFound(w, r)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(srv.Close)
	saved := cloudAPI
	cloudAPI.azure, cloudAPI.bitbucket = srv.URL, srv.URL
	t.Cleanup(func() { cloudAPI = saved })
	return srv, &seen
}

func cloudCred(host, path, user, tok string) credential.Credential {
	c := credential.Credential{Protocol: "https", Host: host, Path: path, Username: user}
	c.SetPassword(tok)
	return c
}

// BaseFor sends a token only to its own forge's API, and only when it
// knows the organization (Azure) or repository (Bitbucket access tokens).
func TestBaseFor(t *testing.T) {
	const at = "ATCTT3xFfGN0abc"
	for _, tc := range []struct {
		c      credential.Credential
		kind   string
		want   string
		reason string
	}{
		{cloudCred("dev.azure.com", "acme", "", "azPAT0"), forge.KindAzure, "https://dev.azure.com/acme/_apis", ""},
		{cloudCred("dev.azure.com", "acme/web/_git/web", "", "azPAT0"), forge.KindAzure, "https://dev.azure.com/acme/_apis", ""},
		{cloudCred("dev.azure.com:443", "a b", "", "azPAT0"), forge.KindAzure, "https://dev.azure.com/a%20b/_apis", ""},
		{cloudCred("dev.azure.com", "", "", "azPAT0"), forge.KindAzure, "", "--owner ORG"},
		{cloudCred("dev.azure.com:8443", "acme", "", "azPAT0"), forge.KindAzure, "", ""},
		{cloudCred("Acme.VisualStudio.com", "", "", "azPAT0"), forge.KindAzure, "https://acme.visualstudio.com/_apis", ""},
		{cloudCred("acme.visualstudio.com:8443", "", "", "azPAT0"), forge.KindAzure, "", ""},
		{cloudCred("bitbucket.org", "acme/app.git", forge.BitbucketAccessTokenUsername, "tok"), forge.KindBitbucket, "https://api.bitbucket.org/2.0/repositories/acme/app", ""},
		{cloudCred("bitbucket.org", "acme/app", "", at), forge.KindBitbucket, "https://api.bitbucket.org/2.0/repositories/acme/app", ""},
		{cloudCred("bitbucket.org", "acme", forge.BitbucketAccessTokenUsername, at), forge.KindBitbucket, "", "--owner WORKSPACE/REPO"},
		{cloudCred("bitbucket.org", "acme/app", forge.BitbucketAPITokenUsername, "ATATT3xFfGF0abc"), forge.KindBitbucket, "", "Atlassian account e-mail"},
		{cloudCred("bitbucket.org:8443", "acme/app", forge.BitbucketAccessTokenUsername, at), forge.KindBitbucket, "", ""},
		{cloudCred("acme.ghe.com", "", "", "ghp_x"), forge.KindGitHub, "https://api.acme.ghe.com", ""},
		{cloudCred("acme.ghe.com:8443", "", "", "ghp_x"), forge.KindGitHub, "", "api.SUBDOMAIN.ghe.com"},
		{cloudCred("a.b.ghe.com", "", "", "ghp_x"), forge.KindGitHub, "", "api.SUBDOMAIN.ghe.com"},
		{cloudCred("github.example.com", "", "", "ghp_x"), forge.KindGitHub, "https://github.example.com/api/v3", ""},
	} {
		got, err := BaseFor(tc.c, tc.kind)
		why := NotVerified(tc.c, tc.kind)
		if err != nil || got != tc.want || (tc.reason == "") != (why == "") || !strings.Contains(why, tc.reason) {
			t.Errorf("BaseFor(%s %s@%s/%s) = %q, %v; NotVerified %q; want %q, reason %q", tc.kind, tc.c.Username, tc.c.Host, tc.c.Path, got, err, why, tc.want, tc.reason)
		}
		if strings.Contains(why, tc.c.Password) {
			t.Errorf("NotVerified names the token: %q", why)
		}
	}
}

// Each answer of Azure DevOps' and Bitbucket's APIs, as Verify reads it.
func TestVerifyAzureAndBitbucket(t *testing.T) {
	tokens := map[string]string{"az-good": "valid", "az-noscope": "noscope", "az-signin": "signin", "bb-good": "valid", "bb-noscope": "noscope", "bb-gone": "gone"}
	srv, seen := fakeCloud(t, tokens)
	ctx := context.Background()
	for _, tc := range []struct {
		c       credential.Credential
		kind    string
		miss    string
		wantErr error
	}{
		{cloudCred("dev.azure.com", "acme", "", "az-good"), forge.KindAzure, "", nil},
		{cloudCred("dev.azure.com", "acme", "", "az-noscope"), forge.KindAzure, "Code (Read)", nil},
		{cloudCred("dev.azure.com", "acme", "", "az-signin"), forge.KindAzure, "", ErrTokenRejected},
		{cloudCred("dev.azure.com", "acme", "", "az-revoked"), forge.KindAzure, "", ErrTokenRejected},
		{cloudCred("bitbucket.org", "acme/app", "x-token-auth", "bb-good"), forge.KindBitbucket, "", nil},
		{cloudCred("bitbucket.org", "acme/app", "x-token-auth", "bb-noscope"), forge.KindBitbucket, "repository:read", nil},
		{cloudCred("bitbucket.org", "acme/app", "x-token-auth", "bb-revoked"), forge.KindBitbucket, "", ErrTokenRejected},
		{cloudCred("bitbucket.org", "acme/app", "x-token-auth", "bb-gone"), forge.KindBitbucket, "", ErrUnreachable},
	} {
		api, err := BaseFor(tc.c, tc.kind)
		if err != nil || api == "" {
			t.Fatalf("%s: no API: %v", tc.c.Password, err)
		}
		v, err := Verify(ctx, srv.Client(), tc.kind, api, tc.c.Password)
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) || !strings.Contains(v.Missing, tc.miss) || (tc.miss == "") != (v.Missing == "") {
			t.Errorf("%s %s: %+v, %v", tc.kind, tc.c.Password, v, err)
		}
		if err != nil && strings.Contains(err.Error(), tc.c.Password) {
			t.Errorf("error names the token: %v", err)
		}
		if !v.Expires.IsZero() || v.Login != "" || err == nil && !v.ExpiryUnknown {
			t.Errorf("%s: neither API gives an account or expiry, and the verification says so: %+v", tc.c.Password, v)
		}
	}
	for _, u := range *seen {
		if !strings.HasPrefix(u, "/acme/_apis/git/repositories?api-version=") && u != "/2.0/repositories/acme/app" {
			t.Errorf("unexpected request %s", u)
		}
	}
}

// The erase check on Azure DevOps and Bitbucket: kept only when the API
// says the token is valid; erased when it is rejected, unreachable or
// cannot be checked (no organization, an API token).
func TestKeepOnEraseCloud(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	tokens := map[string]string{"az-good": "valid", "az-signin": "signin", "bb-good": "valid"}
	srv, seen := fakeCloud(t, tokens)
	for _, tc := range []struct {
		name string
		c    credential.Credential
		keep bool
		why  string
	}{
		{"Azure valid: kept", cloudCred("dev.azure.com", "acme/web/_git/web", "azure", "az-good"), true, "Azure DevOps's API says it is still valid"},
		{"Azure 203 sign-in: erased", cloudCred("dev.azure.com", "acme/web/_git/web", "azure", "az-signin"), false, ""},
		{"Azure revoked: erased", cloudCred("dev.azure.com", "acme/web/_git/web", "azure", "az-dead"), false, ""},
		{"Azure without organization: erased", cloudCred("dev.azure.com", "", "azure", "az-good"), false, ""},
		{"Bitbucket access token valid: kept", cloudCred("bitbucket.org", "acme/app.git", "x-token-auth", "bb-good"), true, "Bitbucket's API says it is still valid"},
		{"Bitbucket access token revoked: erased", cloudCred("bitbucket.org", "acme/app.git", "x-token-auth", "bb-dead"), false, ""},
		{"Bitbucket API token: erased, not asked", cloudCred("bitbucket.org", "acme/app.git", "x-bitbucket-api-token-auth", "bb-good"), false, ""},
	} {
		keep, why := KeepOnErase(context.Background(), srv.Client(), tc.c)
		if keep != tc.keep || !strings.Contains(why, tc.why) || strings.Contains(why, tc.c.Password) {
			t.Errorf("%s: keep=%v why=%q", tc.name, keep, why)
		}
	}
	if len(*seen) != 5 {
		t.Errorf("asked the API %d times, want 5 (never for an API token or without an organization): %v", len(*seen), *seen)
	}
}

// An API URL is only ever built for the host an entry names: a host that
// would end early in a URL is refused, whichever command asks, and a
// wildcard entry has no API to ask.
func TestBaseOnlyForTheEntrysHost(t *testing.T) {
	for _, tc := range []struct {
		host, kind string
		wantErr    bool
	}{
		{"evil.example?myorg.visualstudio.com", forge.KindAzure, true},
		{"evil.example#acme.ghe.com", forge.KindGitHub, true},
		{"gitlab.com:1@evil.example", forge.KindGitLab, true},
		{"evil.example/x.ghe.com", forge.KindGitea, true},
		{"*.ghe.example.com", forge.KindGitHub, false},
		{"*.ghe.com", forge.KindGitHub, false},
		{"*.gitlab.example.com", forge.KindGitLab, false},
	} {
		c := credential.Credential{Protocol: "https", Host: tc.host}
		api, err := BaseFor(c, tc.kind)
		if api != "" || (err != nil) != tc.wantErr {
			t.Errorf("BaseFor(%s, %s) = %q, %v; want no API, error %v", tc.host, tc.kind, api, err, tc.wantErr)
		}
		if api, err := Base(tc.host, tc.kind); api != "" || (err != nil) != tc.wantErr {
			t.Errorf("Base(%s, %s) = %q, %v; want no API, error %v", tc.host, tc.kind, api, err, tc.wantErr)
		}
	}
}
