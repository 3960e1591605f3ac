package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// Azure DevOps and Bitbucket Cloud live on fixed hosts (dev.azure.com,
// api.bitbucket.org), so no fake can be "the host itself". These tests run
// the programs built with -tags fakecloudapi, whose one difference is that
// GIT_CREDENTIAL_PAT_FAKE_CLOUD_API (https on this machine only) stands in
// for those two API roots; the programs every other test runs, like the
// ones users install, are built without it.
func fakeCloudBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	build := exec.Command("go", "build", "-tags", "fakecloudapi", "-o", dir+string(os.PathSeparator), "../cmd/...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building with -tags fakecloudapi: %v\n%s", err, out)
	}
	return filepath.Join(dir, "git-credential-pat")
}

// fakeCloudAPI answers as Azure DevOps (GET /ORG/_apis/git/repositories,
// Basic ":PAT") and Bitbucket Cloud (GET /2.0/repositories/WS/REPO,
// Bearer) do. tokens: "valid", "noscope" (403), "signin" (Azure's 203
// sign-in page); any other token gets 401.
type fakeCloudAPI struct {
	mu     sync.Mutex
	tokens map[string]string
	asked  []string
}

func newFakeCloudAPI(t *testing.T, e *gittest.Env, tokens map[string]string) *fakeCloudAPI {
	f := &fakeCloudAPI{tokens: tokens}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		var tok string
		switch {
		case strings.HasPrefix(a, "Basic ") && strings.HasSuffix(r.URL.Path, "/_apis/git/repositories"):
			b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "Basic "))
			tok = strings.TrimPrefix(string(b), ":")
		case strings.HasPrefix(a, "Bearer ") && strings.HasPrefix(r.URL.Path, "/2.0/repositories/"):
			tok = strings.TrimPrefix(a, "Bearer ")
		}
		f.mu.Lock()
		f.asked = append(f.asked, r.URL.Path)
		state := f.tokens[tok]
		f.mu.Unlock()
		switch state {
		case "valid":
			w.Write([]byte(`{"value":[]}`))
		case "noscope":
			w.WriteHeader(http.StatusForbidden)
		case "signin":
			w.WriteHeader(http.StatusNonAuthoritativeInfo)
			w.Write([]byte("<html>Azure DevOps Services | Sign In</html>"))
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(srv.Close)
	pemFile := filepath.Join(t.TempDir(), "cloud.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Setenv("SSL_CERT_FILE", pemFile)
	e.Setenv("GIT_CREDENTIAL_PAT_FAKE_CLOUD_API", srv.URL)
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	return f
}

func (f *fakeCloudAPI) set(tok, state string) {
	f.mu.Lock()
	f.tokens[tok] = state
	f.mu.Unlock()
}

func cloudRun(t *testing.T, e *gittest.Env, exe, stdin string, args ...string) transcript {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = e.Vars
	cmd.Dir = e.Home
	cmd.Stdin = strings.NewReader(stdin)
	var o, s bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &s
	err := cmd.Run()
	tr := transcript{stdout: o.String(), stderr: s.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		tr.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", exe, err)
	}
	return tr
}

// login verifies Azure DevOps PATs per organization and Bitbucket access
// tokens per repository; doctor --online reports valid, insufficient and
// revoked; what cannot be checked says why.
func TestForgeCloudVerify(t *testing.T) {
	const (
		azGood    = "azgood000000000000000000000000000000000000000000000"
		azNoScope = "aznoscope0000000000000000000000000000000000000000000"
		azSignIn  = "azsignin00000000000000000000000000000000000000000000"
		azGlobal  = "azglobal00000000000000000000000000000000000000000000"
		bbGood    = "ATCTT3xFfGN0GoodAccess00001"
		bbNoScope = "ATCTT3xFfGN0NoScope000002"
		bbAPI     = "ATATT3xFfGF0ApiToken000003"
	)
	exe := fakeCloudBinary(t)
	e := gittest.NewEnv(t)
	api := newFakeCloudAPI(t, e, map[string]string{azGood: "valid", azNoScope: "noscope", azSignIn: "signin", azGlobal: "valid", bbGood: "valid", bbNoScope: "noscope", bbAPI: "valid"})
	store := []string{"--file", filepath.Join(e.Home, "creds")}
	secrets := []string{azGood, azNoScope, azSignIn, azGlobal, bbGood, bbNoScope, bbAPI}

	for _, tc := range []struct {
		name, token string
		args        []string
		code        int
		stdout      []string
		stderr      []string
	}{
		{"Azure valid", azGood, []string{"login", "--host", "dev.azure.com", "--owner", "acme", "--username", "azure"}, 0,
			[]string{"/acme/_apis: the token is valid; Azure DevOps does not say when it expires (record it with --expires)", "for https://azure@dev.azure.com/acme in store file"}, nil},
		{"Azure without Code scope", azNoScope, []string{"login", "--host", "dev.azure.com", "--owner", "ro", "--username", "azure"}, 0,
			[]string{"for https://azure@dev.azure.com/ro in store file"}, []string{"the token lacks Code (Read) on this organization"}},
		{"Azure 203 sign-in page", azSignIn, []string{"login", "--host", "dev.azure.com", "--owner", "acme", "--username", "other"}, 1,
			nil, []string{"token refused: the forge rejected the token (203, a sign-in page)", "nothing was stored"}},
		{"Azure revoked", "azrevoked", []string{"login", "--host", "dev.azure.com", "--owner", "acme", "--username", "other"}, 1,
			nil, []string{"token refused: the forge rejected the token (401", "not a token of this organization"}},
		{"Azure without organization", azGlobal, []string{"login", "--host", "dev.azure.com", "--username", "azure"}, 0,
			[]string{"for https://azure@dev.azure.com in store file"}, []string{"Azure DevOps tokens belong to an organization"}},
		{"Bitbucket access token valid", bbGood, []string{"login", "--host", "bitbucket.org", "--owner", "acme/app"}, 0,
			[]string{"/2.0/repositories/acme/app: the token is valid; Bitbucket does not say when it expires", "for https://x-token-auth@bitbucket.org/acme/app in store file"}, nil},
		{"Bitbucket access token without scope", bbNoScope, []string{"login", "--host", "bitbucket.org", "--owner", "acme/lib"}, 0,
			[]string{"for https://x-token-auth@bitbucket.org/acme/lib in store file"}, []string{"the token lacks repository:read on this repository"}},
		{"Bitbucket access token revoked", "ATCTT3xFfGN0Revoked0000004", []string{"login", "--host", "bitbucket.org", "--owner", "acme/old"}, 1,
			nil, []string{"token refused: the forge rejected the token (401"}},
		{"Bitbucket API token: not sent", bbAPI, []string{"login", "--host", "bitbucket.org"}, 0,
			[]string{"for https://x-bitbucket-api-token-auth@bitbucket.org in store file"}, []string{"not verified: Bitbucket's API needs your Atlassian account e-mail"}},
	} {
		tr := cloudRun(t, e, exe, tc.token, append(store, tc.args...)...)
		bad := tr.code != tc.code
		for _, w := range tc.stdout {
			bad = bad || !strings.Contains(tr.stdout, w)
		}
		for _, w := range tc.stderr {
			bad = bad || !strings.Contains(tr.stderr, w)
		}
		if bad {
			t.Errorf("%s: %+v", tc.name, tr)
		}
	}
	api.mu.Lock()
	for _, p := range api.asked {
		if strings.Contains(p, "/2.0/repositories/") && !strings.HasPrefix(p, "/2.0/repositories/acme/") {
			t.Errorf("unexpected Bitbucket request %s", p)
		}
	}
	api.mu.Unlock()

	api.set(azGood, "revoked")
	tr := cloudRun(t, e, exe, "", append(store, "doctor", "--online")...)
	for _, want := range []string{
		"token ****0000 for https://azure@dev.azure.com/acme: the forge rejected the token (401",
		"token ****0000 for https://azure@dev.azure.com/ro is valid but insufficient: it lacks Code (Read) on this organization",
		"token ****0000 for https://azure@dev.azure.com not checked: an Azure DevOps token can only be checked within its organization; store it per organization with: git-credential-pat login --host dev.azure.com --owner ORG",
		"token ATCTT****0001 for https://x-token-auth@bitbucket.org/acme/app is valid",
		"token ATCTT****0002 for https://x-token-auth@bitbucket.org/acme/lib is valid but insufficient: it lacks repository:read on this repository",
		"for https://x-bitbucket-api-token-auth@bitbucket.org not checked: Bitbucket's API needs your Atlassian account e-mail",
	} {
		if !strings.Contains(tr.stdout, want) {
			t.Errorf("doctor --online lacks %q", want)
		}
	}
	if tr.code != 1 {
		t.Errorf("doctor --online with a revoked token: exit %d", tr.code)
	}
	for _, s := range secrets {
		for _, out := range []string{tr.stdout, tr.stderr} {
			if strings.Contains(out, s) {
				t.Fatalf("doctor printed a token:\n%s", tr.stdout)
			}
		}
	}
	if t.Failed() {
		t.Logf("doctor --online:\n%s\n%s", tr.stdout, tr.stderr)
	}
}

// git's erase on Azure DevOps and Bitbucket: a token the API still calls
// valid is kept with one line saying why; a rejected one, and one that
// cannot be checked (a Bitbucket API token, an Azure token without an
// organization), are erased as git expects.
func TestEraseAsksAzureAndBitbucket(t *testing.T) {
	exe := fakeCloudBinary(t)
	for _, tc := range []struct {
		name, host, path, user, token, state string
		kept                                 bool
		stderr                               string
	}{
		{"Azure valid: kept", "dev.azure.com", "acme/web/_git/web", "azure", "azkeep0", "valid", true, "kept the token for dev.azure.com: Azure DevOps's API says it is still valid"},
		{"Azure 203 sign-in: erased", "dev.azure.com", "acme/web/_git/web", "azure", "azsignin0", "signin", false, ""},
		{"Azure revoked: erased", "dev.azure.com", "acme/web/_git/web", "azure", "azdead0", "revoked", false, ""},
		{"Azure without organization: erased", "dev.azure.com", "", "azure", "azkeep0", "valid", false, ""},
		{"Bitbucket access token valid: kept", "bitbucket.org", "acme/app.git", "x-token-auth", "ATCTTkeep0", "valid", true, "kept the token for bitbucket.org: Bitbucket's API says it is still valid"},
		{"Bitbucket access token revoked: erased", "bitbucket.org", "acme/app.git", "x-token-auth", "ATCTTdead0", "revoked", false, ""},
		{"Bitbucket API token: erased, never sent", "bitbucket.org", "acme/app.git", "x-bitbucket-api-token-auth", "ATATTkeep0", "valid", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			api := newFakeCloudAPI(t, e, map[string]string{tc.token: tc.state})
			file := filepath.Join(e.Home, "creds")
			in := "protocol=https\nhost=" + tc.host + "\n"
			if tc.path != "" {
				in += "path=" + tc.path + "\n"
			}
			in += "username=" + tc.user + "\npassword=" + tc.token + "\n"
			if tr := cloudRun(t, e, exe, in, "--file", file, "store"); tr.code != 0 {
				t.Fatalf("store: %+v", tr)
			}
			assertEntries(t, file, 1)
			tr := cloudRun(t, e, exe, in, "--file", file, "erase")
			if tr.code != 0 {
				t.Fatalf("erase: %+v", tr)
			}
			want := 0
			if tc.kept {
				want = 1
			}
			assertEntries(t, file, want)
			if !strings.Contains(tr.stderr, tc.stderr) || (tc.stderr == "") != (tr.stderr == "") || strings.Contains(tr.stderr, tc.token) {
				t.Fatalf("stderr %q, want %q", tr.stderr, tc.stderr)
			}
			api.mu.Lock()
			asked := len(api.asked)
			api.mu.Unlock()
			if wantAsked := tc.user != "x-bitbucket-api-token-auth" && tc.path != ""; (asked > 0) != wantAsked {
				t.Fatalf("asked the API %d times, want asked=%v", asked, wantAsked)
			}
		})
	}
}
