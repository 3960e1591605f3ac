package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// fakeGerrit answers like Gerrit's REST API: the version anonymously, the
// account behind /a/ with Basic auth of a username and its HTTP
// credential (users: username -> credential), every JSON answer after the
// XSSI prefix. It records each request's path and Authorization header.
type fakeGerrit struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newFakeGerrit(t *testing.T, users map[string]string, account string) *fakeGerrit {
	f := &fakeGerrit{}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r.URL.Path+" "+r.Header.Get("Authorization"))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		switch r.URL.Path {
		case "/config/server/version":
			w.Write([]byte(")]}'\n\"3.10.1\"\n"))
		case "/a/accounts/self":
			u, p, ok := r.BasicAuth()
			if !ok || users[u] == "" || users[u] != p {
				w.Header().Set("WWW-Authenticate", `Basic realm="Gerrit Code Review"`)
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte("Unauthorized"))
				return
			}
			w.Write([]byte(")]}'\n" + strings.ReplaceAll(account, "USER", u)))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeGerrit) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// ProbeGerrit recognises Gerrit by its version answer and its XSSI
// prefix, and nothing else: not Gitea's version, not JSON without the
// prefix, not an error page. It sends no credential.
func TestProbeGerrit(t *testing.T) {
	for _, tc := range []struct {
		name, status, body string
		want               bool
	}{
		{"Gerrit", "200", ")]}'\n\"3.10.1\"\n", true},
		{"Gerrit, CRLF", "200", ")]}'\r\n\"2.16.28\"", true},
		{"no XSSI prefix", "200", "\"3.10.1\"", false},
		{"Gitea's answer", "200", `{"version":"1.22.0"}`, false},
		{"prefix, not a string", "200", ")]}'\n{\"version\":\"3\"}", false},
		{"prefix, empty version", "200", ")]}'\n\"\"", false},
		{"404", "404", ")]}'\n\"3.10.1\"", false},
		{"redirect", "302", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var auth []string
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				auth = append(auth, r.Header.Get("Authorization"))
				if r.URL.Path != "/config/server/version" {
					http.NotFound(w, r)
					return
				}
				switch tc.status {
				case "404":
					w.WriteHeader(http.StatusNotFound)
				case "302":
					w.Header().Set("Location", "/login/")
					w.WriteHeader(http.StatusFound)
				}
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			host := strings.TrimPrefix(srv.URL, "https://")
			v, ok := ProbeGerrit(context.Background(), srv.Client(), host)
			if ok != tc.want || ok && v == "" {
				t.Fatalf("ProbeGerrit = %q, %v; want %v", v, ok, tc.want)
			}
			for _, a := range auth {
				if a != "" {
					t.Fatalf("the probe sent Authorization %q", a)
				}
			}
		})
	}
	// A wildcard entry names no one server: nothing is asked.
	if _, ok := ProbeGerrit(context.Background(), nil, "*.example.org"); ok {
		t.Fatal("ProbeGerrit answered for a wildcard host")
	}
}

// VerifyGerrit (through VerifyFor, with the credential as stored) sends
// the username and the HTTP credential as Basic auth to /a/accounts/self
// on the token's own host, and reads the account after the XSSI prefix.
func TestVerifyGerrit(t *testing.T) {
	const good = "gerritHTTPcred0000000000000000000000000000"
	for _, tc := range []struct {
		name, user, token, account string
		login                      string
		err                        error
	}{
		{"valid", "alice", good, `{"_account_id":1000096,"name":"Alice","email":"alice@example.org","username":"USER"}`, "alice", nil},
		{"no username in the answer: the e-mail", "alice", good, `{"_account_id":1000096,"email":"alice@example.org"}`, "alice@example.org", nil},
		{"wrong username", "bob", good, `{}`, "", ErrTokenRejected},
		{"wrong credential", "alice", "WrongCred0000", `{}`, "", ErrTokenRejected},
		{"no username: not asked", "", good, `{}`, "", ErrUnreachable},
		{"not Gerrit's JSON", "alice", good, `<html>sign in</html>`, "", ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeGerrit(t, map[string]string{"alice": good}, tc.account)
			host := strings.TrimPrefix(srv.URL, "https://")
			c := credential.Credential{Protocol: "https", Host: host}
			c.SetUsername(tc.user)
			c.SetPassword(tc.token)
			api, err := BaseFor(c, forge.KindGerrit)
			if err != nil || api != "https://"+host {
				t.Fatalf("BaseFor = %q, %v; want the host's own root", api, err)
			}
			v, err := VerifyFor(context.Background(), srv.Client(), forge.KindGerrit, api, c)
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), tc.token) {
				t.Fatalf("the error quotes the token: %v", err)
			}
			if err == nil && (v.Login != tc.login || !v.ExpiryUnknown || v.Missing != "") {
				t.Fatalf("verification = %+v, want login %q and an unknown expiry", v, tc.login)
			}
			for _, r := range srv.requests() {
				if !strings.HasPrefix(r, "/a/accounts/self Basic ") {
					t.Fatalf("asked %q", r)
				}
			}
			if n := len(srv.requests()); (tc.user == "") != (n == 0) {
				t.Fatalf("%d requests", n)
			}
		})
	}
}

// Gerrit's API is always https://HOST: a token stored for plain http, a
// wildcard or a host that is not a URL's host gets none.
func TestGerritBase(t *testing.T) {
	for _, tc := range []struct {
		host, want string
		err        bool
	}{
		{"review.example.org", "https://review.example.org", false},
		{"review.example.org:8443", "https://review.example.org:8443", false},
		{"*.example.org", "", false},
		{"evil.example?x.org", "", true},
	} {
		got, err := Base(tc.host, forge.KindGerrit)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("Base(%q) = %q, %v; want %q (error %v)", tc.host, got, err, tc.want, tc.err)
		}
	}
	// Verify without the username (callers that have only the token)
	// sends nothing and says so.
	if _, err := Verify(context.Background(), nil, forge.KindGerrit, "https://127.0.0.1:1", "tok"); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "username") {
		t.Fatalf("Verify without a username: %v", err)
	}
}

// git's erase for a Gerrit credential its API still accepts keeps it and
// says what Gerrit refuses: the account's access, not the token's scope.
func TestKeepOnEraseGerrit(t *testing.T) {
	const good = "gerritHTTPcred0000000000000000000000000000"
	srv := newFakeGerrit(t, map[string]string{"alice": good}, `{"username":"USER"}`)
	host := strings.TrimPrefix(srv.URL, "https://")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if err := Remember(host, forge.KindGerrit); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, token string
		keep              bool
	}{
		{"valid", "alice", good, true},
		{"revoked", "alice", "revoked", false},
		{"another user's", "bob", good, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := credential.Credential{Protocol: "https", Host: host, Path: "platform/app"}
			c.SetUsername(tc.user)
			c.SetPassword(tc.token)
			keep, why := KeepOnErase(context.Background(), srv.Client(), c)
			if keep != tc.keep {
				t.Fatalf("keep = %v (%s), want %v", keep, why, tc.keep)
			}
			if keep && !strings.Contains(why, "the Gerrit account may not read or push to this repository") {
				t.Fatalf("why = %q", why)
			}
		})
	}
}
