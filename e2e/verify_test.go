package e2e

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// fineGrained makes a well-formed (fake) fine-grained token ending in tag.
func fineGrained(tag string) string {
	return "github_pat_" + strings.Repeat("A", 82-len(tag)) + tag
}

// fakeForge is a GitHub-like API: GET /user answers for known tokens with
// the account and the expiry header, 401 for the rest.
func fakeForge(t *testing.T, e *gittest.Env, accounts map[string][2]string) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acct, ok := accounts[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if r.URL.Path != "/user" || !ok {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Bad credentials"}`))
			return
		}
		if acct[1] != "" {
			w.Header().Set("GitHub-Authentication-Token-Expiration", acct[1])
		}
		w.Write([]byte(`{"login":"` + acct[0] + `"}`))
	}))
	t.Cleanup(srv.Close)
	pemFile := filepath.Join(t.TempDir(), "forge.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(pemFile, cert, 0o644); err != nil {
		t.Fatal(err)
	}
	e.Setenv("SSL_CERT_FILE", pemFile)
	e.Setenv("GIT_CREDENTIAL_PAT_API_URL", srv.URL)
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
}

func TestLoginVerifiesWithTheForge(t *testing.T) {
	e := gittest.NewEnv(t)
	good, next, revoked := fineGrained("GOOD"), fineGrained("NEXT"), fineGrained("DEAD")
	fakeForge(t, e, map[string][2]string{
		good: {"alice", "2099-06-01 12:00:00 UTC"},
		next: {"alice", "2099-09-01 12:00:00 UTC"},
	})
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}

	// The API's answer fills in the username and the expiry.
	tr := cmdsRun(t, e, e.Home, good, append(store, "login", "--owner", "acme")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Verified with https://127.0.0.1") || !strings.Contains(tr.stdout, "belongs to alice") ||
		!strings.Contains(tr.stdout, "for https://alice@github.com/acme in store file (expires in") || strings.Contains(tr.stdout+tr.stderr, good) {
		t.Fatalf("login: %+v", tr)
	}
	if got := e.MustGit(t, "", "", "config", "--global", "credential.https://github.com.useHttpPath"); got != "true\n" {
		t.Fatalf("login --owner did not turn on useHttpPath for github.com: %q", got)
	}
	out, _, _ := runBin(t, e, "protocol=https\nhost=github.com\npath=acme/app.git\n", append(store, "get")...)
	if !strings.Contains(out, "username=alice\npassword="+good+"\npassword_expiry_utc=4083998400\n") {
		t.Fatalf("get for acme/app.git: %q", out)
	}

	// A revoked token is refused and nothing changes.
	tr = cmdsRun(t, e, e.Home, revoked, append(store, "login")...)
	if tr.code != 1 || !strings.Contains(tr.stderr, "the forge rejected the token (401 Bad credentials)") || strings.Contains(tr.stderr, revoked) {
		t.Fatalf("revoked: %+v", tr)
	}

	// rotate keeps the owner and username, and says when the new one expires.
	tr = cmdsRun(t, e, e.Home, next, append(store, "rotate", "--owner", "acme")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Replaced") || !strings.Contains(tr.stdout, "https://alice@github.com/acme") || !strings.Contains(tr.stdout, "2099-09-01") {
		t.Fatalf("rotate: %+v", tr)
	}
	out, _, _ = runBin(t, e, "protocol=https\nhost=github.com\npath=acme/app.git\n", append(store, "get")...)
	if !strings.Contains(out, "password="+next+"\n") {
		t.Fatalf("after rotate: %q", out)
	}
	assertEntries(t, file, 1)

	// Nothing to rotate is a clear error.
	tr = cmdsRun(t, e, e.Home, next, append(store, "rotate", "--host", "gitlab.com")...)
	if tr.code != 1 || !strings.Contains(tr.stderr, "no token stored for https://gitlab.com") {
		t.Fatalf("rotate with nothing stored: %+v", tr)
	}

	// unconfigure takes back the useHttpPath setting login wrote.
	runBin(t, e, "", "unconfigure")
	if _, _, err := e.Git(t, "", "", "config", "--global", "credential.https://github.com.useHttpPath"); err == nil {
		t.Fatal("unconfigure left credential.https://github.com.useHttpPath")
	}
}

// Offline: the token is stored with a note that it was not verified.
func TestLoginOfflineStoresUnverified(t *testing.T) {
	e := gittest.NewEnv(t)
	e.Setenv("GIT_CREDENTIAL_PAT_API_URL", "https://127.0.0.1:1")
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	tok := fineGrained("OFFL")
	tr := cmdsRun(t, e, e.Home, tok, "--file", filepath.Join(e.Home, "creds"), "login")
	if tr.code != 0 || !strings.Contains(tr.stderr, "could not verify the token") || !strings.Contains(tr.stdout, "Stored") {
		t.Fatalf("offline login: %+v", tr)
	}
}
