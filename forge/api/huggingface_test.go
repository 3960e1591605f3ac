package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// whoAmIAnswers are the bodies of GET /api/whoami-v2 per token state, in
// the shape huggingface.co sends (huggingface.js' WhoAmI and AuthInfo).
var whoAmIAnswers = map[string]string{
	"write":    `{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"displayName":"laptop","role":"write","createdAt":"2025-01-02T03:04:05.000Z"}}}`,
	"read":     `{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"displayName":"ci-read","role":"read"}}}`,
	"fine":     `{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"displayName":"acme-push","role":"fineGrained","fineGrained":{"canReadGatedRepos":true,"global":["discussion.write"],"scoped":[{"entity":{"_id":"1","type":"user","name":"alice"},"permissions":["repo.content.read"]},{"entity":{"_id":"2","type":"org","name":"acme"},"permissions":["repo.content.read","repo.write"]}]}}}}`,
	"fineread": `{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"displayName":"read-only","role":"fineGrained","fineGrained":{"global":[],"scoped":[{"entity":{"type":"user","name":"alice"},"permissions":["repo.content.read"]}]}}}}`,
	"oauth":    `{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"displayName":"space","role":"write","expiration":"2099-01-02T03:04:05.000Z"}}}`,
	"badexp":   `{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"role":"write","expiration":"next week"}}}`,
	"org":      `{"type":"org","name":"acme","auth":{"type":"access_token","accessToken":{"displayName":"old","role":"admin"}}}`,
	"notoken":  `{"type":"user","name":"alice","auth":{"type":"oauth"}}`,
	"garbage":  `<html>`,
}

// fakeHub is huggingface.co's API on a TLS test server, standing in for
// cloudAPI.huggingface. tokens maps a bearer token to a whoAmIAnswers key,
// or "down" (503); any other token gets 401 with Hugging Face's JSON error.
func fakeHub(t *testing.T, tokens map[string]string) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		state := ""
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && r.URL.Path == "/api/whoami-v2" {
			state = tokens[strings.TrimPrefix(a, "Bearer ")]
		}
		switch body, ok := whoAmIAnswers[state]; {
		case ok:
			w.Write([]byte(body))
		case state == "down":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"Invalid credentials in Authorization header"}`))
		}
	}))
	t.Cleanup(srv.Close)
	saved := cloudAPI
	cloudAPI.huggingface = srv.URL
	t.Cleanup(func() { cloudAPI = saved })
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// Each answer of GET /api/whoami-v2, as Verify reads it: the account, the
// role or fine-grained repo.write git needs to push, and an expiry only
// when the API gives one.
func TestVerifyHuggingFace(t *testing.T) {
	tokens := map[string]string{}
	for k := range whoAmIAnswers {
		tokens["hf_"+k] = k
	}
	tokens["hf_down"] = "down"
	srv, seen := fakeHub(t, tokens)
	api, err := Base("huggingface.co", forge.KindHuggingFace)
	if err != nil || api != srv.URL+"/api" {
		t.Fatalf("Base(huggingface.co) = %q, %v", api, err)
	}
	for _, tc := range []struct {
		token                        string
		login, name, scopes, missing string
		expires                      time.Time
		err                          error
		errText                      string
	}{
		{"hf_write", "alice", "laptop", "role write", "", time.Time{}, nil, ""},
		{"hf_read", "alice", "ci-read", "role read", "the write role", time.Time{}, nil, ""},
		{"hf_fine", "alice", "acme-push", "fine-grained, repo.write on acme", "", time.Time{}, nil, ""},
		{"hf_fineread", "alice", "read-only", "fine-grained", "repo.write", time.Time{}, nil, ""},
		{"hf_oauth", "alice", "space", "role write", "", time.Date(2099, 1, 2, 3, 4, 5, 0, time.UTC), nil, ""},
		{"hf_org", "acme", "old", "role admin", "", time.Time{}, nil, ""},
		{"hf_notoken", "alice", "", "", "", time.Time{}, nil, ""},
		{"hf_badexp", "", "", "", "", time.Time{}, ErrUnreachable, "unreadable expiration"},
		{"hf_garbage", "", "", "", "", time.Time{}, ErrUnreachable, "unreadable JSON"},
		{"hf_down", "", "", "", "", time.Time{}, ErrUnreachable, "503"},
		{"hf_revoked", "", "", "", "", time.Time{}, ErrTokenRejected, "401 Invalid credentials in Authorization header"},
	} {
		v, err := Verify(context.Background(), srv.Client(), forge.KindHuggingFace, api, tc.token)
		if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) || err != nil && !strings.Contains(err.Error(), tc.errText) {
			t.Errorf("%s: err %v, want %v (%q)", tc.token, err, tc.err, tc.errText)
			continue
		}
		if err != nil && strings.Contains(err.Error(), tc.token) {
			t.Errorf("%s: the error names the token: %v", tc.token, err)
		}
		if v.ExpiryUnknown {
			t.Errorf("%s: whoami-v2 tells the expiry when there is one; a zero Expires is none", tc.token)
		}
		if v.Login != tc.login || v.Name != tc.name || v.Scopes != tc.scopes || !strings.Contains(v.Missing, tc.missing) || (tc.missing == "") != (v.Missing == "") || !v.Expires.Equal(tc.expires) {
			t.Errorf("%s: %+v; want login %q name %q scopes %q missing ~%q expires %v", tc.token, v, tc.login, tc.name, tc.scopes, tc.missing, tc.expires)
		}
	}
	for _, s := range seen() {
		if s != "GET /api/whoami-v2" {
			t.Errorf("unexpected request %s", s)
		}
	}
}

// A Hugging Face token goes only to huggingface.co's API, and only from
// huggingface.co or hf.co on the HTTPS port; any other port or host says
// why it is not checked.
func TestHuggingFaceBase(t *testing.T) {
	for _, tc := range []struct {
		host, want, reason string
	}{
		{"huggingface.co", "https://huggingface.co/api", ""},
		{"HuggingFace.co:443", "https://huggingface.co/api", ""},
		{"hf.co", "https://huggingface.co/api", ""},
		{"hf.co:443", "https://huggingface.co/api", ""},
		{"huggingface.co:8443", "", "only at https://huggingface.co"},
		{"hf.co:8443", "", "only at https://huggingface.co"},
		{"huggingface.co.evil.example", "", "only at https://huggingface.co"},
		{"hub.example.com", "", "only at https://huggingface.co"},
	} {
		c := cloudCred(tc.host, "alice/model", "alice", "hf_x")
		got, err := BaseFor(c, forge.KindHuggingFace)
		why := NotVerified(c, forge.KindHuggingFace)
		if err != nil || got != tc.want || (tc.reason == "") != (why == "") || !strings.Contains(why, tc.reason) {
			t.Errorf("BaseFor(%s) = %q, %v; NotVerified %q; want %q, reason %q", tc.host, got, err, why, tc.want, tc.reason)
		}
	}
}

// git's erase on huggingface.co: kept with one line when the API still
// calls the token valid (a repository it does not cover), erased when it
// is rejected or the API cannot be asked.
func TestKeepOnEraseHuggingFace(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	srv, seen := fakeHub(t, map[string]string{"hf_keep": "write", "hf_ro": "read", "hf_down": "down"})
	for _, tc := range []struct {
		name string
		c    credential.Credential
		keep bool
		why  []string
	}{
		{"valid: kept", cloudCred("huggingface.co", "acme/model", "alice", "hf_keep"), true,
			[]string{"kept the token for huggingface.co: Hugging Face's API says it is still valid", "git needs the write role, or fine-grained repo.write", "fix the token at https://huggingface.co/settings/tokens"}},
		{"read token: kept, says what it lacks", cloudCred("hf.co", "datasets/acme/data", "alice", "hf_ro"), true,
			[]string{"kept the token for hf.co", "this token lacks the write role", "login --host hf.co --owner datasets/OWNER"}},
		{"Space: its owner is below spaces/", cloudCred("huggingface.co", "spaces/acme/demo", "alice", "hf_keep"), true,
			[]string{"login --host huggingface.co --owner spaces/OWNER"}},
		{"revoked: erased", cloudCred("huggingface.co", "acme/model", "alice", "hf_dead"), false, nil},
		{"API down: erased", cloudCred("huggingface.co", "acme/model", "alice", "hf_down"), false, nil},
		{"another port: erased, not asked", cloudCred("huggingface.co:8443", "acme/model", "alice", "hf_keep"), false, nil},
	} {
		keep, why := KeepOnErase(context.Background(), srv.Client(), tc.c)
		bad := keep != tc.keep || strings.Contains(why, tc.c.Password) || (len(tc.why) == 0) != (why == "")
		for _, w := range tc.why {
			bad = bad || !strings.Contains(why, w)
		}
		if bad {
			t.Errorf("%s: keep=%v why=%q", tc.name, keep, why)
		}
	}
	if n := len(seen()); n != 5 {
		t.Errorf("asked the API %d times, want 5 (never for another port): %v", n, seen())
	}
}
