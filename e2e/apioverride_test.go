package e2e

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// apiRecorder is a GitHub-like API that records every token it is sent:
// GET /user answers "alice" for the one token it knows, 401 for the rest.
type apiRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (a *apiRecorder) tokens() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := append([]string(nil), a.seen...)
	sort.Strings(out)
	return out
}

// newAPIRecorder starts the API (TLS, or plain http on 127.0.0.1) and
// points the binary's GIT_CREDENTIAL_PAT_API_URL at it.
func newAPIRecorder(t *testing.T, e *gittest.Env, tls bool, known string) *apiRecorder {
	a := &apiRecorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		a.mu.Lock()
		a.seen = append(a.seen, tok)
		a.mu.Unlock()
		if r.URL.Path != "/user" || tok != known {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Bad credentials"}`))
			return
		}
		w.Write([]byte(`{"login":"alice"}`))
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
		pemFile := filepath.Join(t.TempDir(), "api.pem")
		cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(pemFile, cert, 0o644); err != nil {
			t.Fatal(err)
		}
		e.Setenv("SSL_CERT_FILE", pemFile)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	e.Setenv("GIT_CREDENTIAL_PAT_API_URL", srv.URL)
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	return a
}

// The API override stands in for github.com's API only: doctor --online and
// login never send it a token of another host, and it must be https (plain
// http only on loopback).
func TestAPIOverrideGetsOnlyGitHubTokens(t *testing.T) {
	e := gittest.NewEnv(t)
	gh := fineGrained("GHUB")
	gl := "glpat-" + strings.Repeat("L", 20)
	internal := "internal-" + strings.Repeat("I", 24)
	api := newAPIRecorder(t, e, true, gh)
	store := []string{"--file", filepath.Join(e.Home, "creds")}
	for host, tok := range map[string]string{"github.com": gh, "gitlab.com": gl, "git.internal.example": internal, "git.internal.example:8443": internal + "P"} {
		if _, stderr, code := runBin(t, e, "protocol=https\nhost="+host+"\nusername=u\npassword="+tok+"\n\n", append(store, "store")...); code != 0 {
			t.Fatalf("store %s: %s", host, stderr)
		}
	}

	tr := cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	if !strings.Contains(tr.stdout, "is valid (account alice)") {
		t.Errorf("doctor --online did not check the github.com token:\n%s%s", tr.stdout, tr.stderr)
	}
	if got := api.tokens(); len(got) != 1 || got[0] != gh {
		t.Errorf("doctor --online sent the override API %d token(s); want only the github.com one", len(got))
	}

	// login verifies a github.com token with the override, and no other.
	for _, tc := range []struct{ host, token string }{
		{"gitlab.com", gl},
		{"git.internal.example", internal},
		{"https://git.internal.example:8443", internal + "P"},
	} {
		tr := cmdsRun(t, e, e.Home, tc.token, append(store, "login", "--host", tc.host)...)
		if tr.code != 0 || strings.Contains(tr.stdout, "Verified with") {
			t.Errorf("login --host %s: %+v", tc.host, tr)
		}
	}
	if got := api.tokens(); len(got) != 1 {
		t.Errorf("login for other hosts sent the override API %d more token(s)", len(got)-1)
	}
	tr = cmdsRun(t, e, e.Home, gh, append(store, "login")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Verified with https://127.0.0.1") {
		t.Errorf("login --host github.com: %+v", tr)
	}

	// Plain http is refused unless the override is on this machine.
	e.Setenv("GIT_CREDENTIAL_PAT_API_URL", "http://api.example.invalid")
	tr = cmdsRun(t, e, e.Home, gh, append(store, "login")...)
	if tr.code != 1 || !strings.Contains(tr.stderr, "GIT_CREDENTIAL_PAT_API_URL") || !strings.Contains(tr.stderr, "https") || strings.Contains(tr.stderr, gh) {
		t.Errorf("login with an http override: %+v", tr)
	}
	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	if !strings.Contains(tr.stdout, "fail  online") || !strings.Contains(tr.stdout, "GIT_CREDENTIAL_PAT_API_URL") {
		t.Errorf("doctor --online with an http override:\n%s", tr.stdout)
	}
	plain := newAPIRecorder(t, e, false, gh)
	tr = cmdsRun(t, e, e.Home, gh, append(store, "login")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Verified with http://127.0.0.1") || len(plain.tokens()) != 1 {
		t.Errorf("login with an http override on loopback: %+v", tr)
	}
}
