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

// Azure DevOps, Bitbucket Cloud and Hugging Face live on fixed hosts
// (dev.azure.com, api.bitbucket.org, huggingface.co), so no fake can be
// "the host itself". These tests run
// the programs built with -tags fakecloudapi, whose one difference is that
// GIT_CREDENTIAL_PAT_FAKE_CLOUD_API (https on this machine only) stands in
// for those API roots; the programs every other test runs, like the
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
// Basic ":PAT"), Bitbucket Cloud (GET /2.0/repositories/WS/REPO, Bearer)
// and Hugging Face (GET /api/whoami-v2, Bearer) do. tokens: "valid",
// "noscope" (403; a read token on Hugging Face), "signin" (Azure's 203
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
		case strings.HasPrefix(a, "Bearer ") && (strings.HasPrefix(r.URL.Path, "/2.0/repositories/") || r.URL.Path == "/api/whoami-v2"):
			tok = strings.TrimPrefix(a, "Bearer ")
		}
		f.mu.Lock()
		f.asked = append(f.asked, r.URL.Path)
		state := f.tokens[tok]
		f.mu.Unlock()
		switch {
		case r.URL.Path == "/api/whoami-v2" && (state == "valid" || state == "noscope"):
			// Hugging Face's answer: the account and the token's role.
			role := map[string]string{"valid": "write", "noscope": "read"}[state]
			w.Write([]byte(`{"type":"user","name":"alice","auth":{"type":"access_token","accessToken":{"displayName":"laptop","role":"` + role + `"}}}`))
			return
		case r.URL.Path == "/api/whoami-v2":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"Invalid credentials in Authorization header"}`))
			return
		}
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

func (f *fakeCloudAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
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
		{"Hugging Face valid: kept", "huggingface.co", "acme/model", "alice", hfToken("Keep"), "valid", true, "kept the token for huggingface.co: Hugging Face's API says it is still valid"},
		{"Hugging Face (hf.co) valid: kept", "hf.co", "datasets/acme/data", "alice", hfToken("Keep"), "valid", true, "fix the token at https://huggingface.co/settings/tokens"},
		{"Hugging Face revoked: erased", "huggingface.co", "acme/model", "alice", hfToken("Dead"), "revoked", false, ""},
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

// hfToken is a well-formed (fake) Hugging Face user access token: hf_ and
// 34 letters, the last four tail.
func hfToken(tail string) string { return "hf_" + strings.Repeat("x", 34-len(tail)) + tail }

// Hugging Face through the program a user runs: login recognises
// huggingface.co and hf.co, refuses what is not a user access token before
// anything is sent, asks whoami-v2 for the account (stored as the
// username) and the role git needs to push, invents no expiry, and
// doctor --online and rotate say what they can. The token goes to Hugging
// Face's API and nowhere else: not to the github.com API override, which
// a sink stands in for here.
func TestForgeHuggingFace(t *testing.T) {
	var (
		good = hfToken("Good")
		read = hfToken("Read")
		port = hfToken("Port")
		dead = hfToken("Dead")
	)
	exe := fakeCloudBinary(t)
	e := gittest.NewEnv(t)
	api := newFakeCloudAPI(t, e, map[string]string{good: "valid", read: "noscope", port: "valid", dead: "valid"})
	var sinkMu sync.Mutex
	var sunk []string
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sinkMu.Lock()
		sunk = append(sunk, r.URL.Path+" "+r.Header.Get("Authorization"))
		sinkMu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(sink.Close)
	e.Setenv("GIT_CREDENTIAL_PAT_API_URL", sink.URL) // github.com's API: must never see these tokens
	store := []string{"--file", filepath.Join(e.Home, "creds")}
	secrets := []string{good, read, port, dead}

	for _, tc := range []struct {
		name, token string
		args        []string
		code        int
		stdout      []string
		stderr      []string
	}{
		{"write token: verified, the account is the username, no expiry", good, []string{"login", "--host", "huggingface.co"}, 0,
			[]string{"/api: the token belongs to alice; scopes: role write; it does not expire", "Stored Hugging Face user access token hf_****Good for https://alice@huggingface.co in store file"}, nil},
		{"read token on hf.co: stored, with what it lacks", read, []string{"login", "--host", "hf.co"}, 0,
			[]string{"the token belongs to alice; scopes: role read", "for https://alice@hf.co in store file"},
			[]string{"warning: the token lacks the write role, which git needs to push (Hugging Face needs the write role, or fine-grained repo.write on the repositories' owner); add it at https://huggingface.co/settings/tokens"}},
		{"another port: not sent, stored with Hugging Face's username", port, []string{"login", "--host", "huggingface.co:8443"}, 0,
			[]string{"Stored Hugging Face user access token hf_****Port for https://hf_user@huggingface.co:8443 in store file"},
			[]string{"not verified: Hugging Face's API is only at https://huggingface.co"}},
		{"revoked", hfToken("Gone"), []string{"login", "--host", "huggingface.co", "--username", "bob"}, 1,
			nil, []string{"token refused: the forge rejected the token (401 Invalid credentials in Authorization header): it is revoked or mistyped; nothing was stored"}},
		{"a GitHub token: refused, not sent", fineGrained("GHUB"), []string{"login", "--host", "huggingface.co"}, 1,
			nil, []string{"this is a GitHub fine-grained personal access token (github_pat_...), but the host is huggingface.co; use --host with the GitHub host (Hugging Face user access tokens start with hf_)"}},
		{"the account password: refused, not sent", "my-Password-1", []string{"login", "--host", "hf.co", "--username", "alice"}, 1,
			nil, []string{"Hugging Face user access tokens start with hf_, and this one does not (your account password?", "https://huggingface.co/settings/tokens"}},
		{"a cut-off token: refused, not sent", good[:12], []string{"login", "--host", "huggingface.co"}, 1,
			nil, []string{"Hugging Face user access token is too short: 9 characters after hf_"}},
	} {
		before := api.count()
		tr := cloudRun(t, e, exe, tc.token, append(store, tc.args...)...)
		bad := tr.code != tc.code
		for _, w := range tc.stdout {
			bad = bad || !strings.Contains(tr.stdout, w)
		}
		for _, w := range tc.stderr {
			bad = bad || !strings.Contains(tr.stderr, w)
		}
		for _, s := range append(secrets, tc.token) {
			bad = bad || strings.Contains(tr.stdout+tr.stderr, s)
		}
		if bad {
			t.Errorf("%s: %+v", tc.name, tr)
		}
		asked := api.count() - before
		if wantAsked := tc.code == 0 && tc.token != port || strings.Contains(tc.name, "revoked"); (asked == 1) != wantAsked || asked > 1 {
			t.Errorf("%s: asked the API %d times", tc.name, asked)
		}
	}

	api.set(good, "revoked")
	tr := cloudRun(t, e, exe, "", append(store, "doctor", "--online")...)
	for _, want := range []string{
		"token hf_****Good for https://alice@huggingface.co: the forge rejected the token (401 Invalid credentials in Authorization header)",
		"token hf_****Read for https://alice@hf.co is valid but insufficient: it lacks the write role (git needs the write role, or fine-grained repo.write on the repositories' owner)",
		"token hf_****Port for https://hf_user@huggingface.co:8443 not checked: Hugging Face's API is only at https://huggingface.co",
	} {
		if !strings.Contains(tr.stdout, want) {
			t.Errorf("doctor --online lacks %q", want)
		}
	}
	if tr.code != 1 {
		t.Errorf("doctor --online with a revoked token: exit %d", tr.code)
	}

	rot := cloudRun(t, e, exe, "", append(store, "rotate", "--host", "hf.co", "--via-api")...)
	if rot.code != 1 || !strings.Contains(rot.stderr, "only GitLab rotates a token through its API, and hf.co is Hugging Face; create a new token at https://huggingface.co/settings/tokens and run: git-credential-pat --file") {
		t.Errorf("rotate --via-api on Hugging Face: %+v", rot)
	}

	// A store with no token any forge's API can check says which forges it
	// would ask.
	other := []string{"--file", filepath.Join(e.Home, "other-creds")}
	credential(t, e, other, "approve", "url=https://git.example.org", "username=alice", "password=0123abcd")
	if none := cloudRun(t, e, exe, "", append(other, "doctor", "--online")...); !strings.Contains(none.stdout, "no GitHub, GitLab, Gitea/Forgejo, Azure DevOps, Bitbucket, Bitbucket Data Center, Hugging Face or Gerrit tokens to check online") {
		t.Errorf("doctor --online with no forge's token: %+v", none)
	}

	list := cloudRun(t, e, exe, "", append(store, "list", "--json")...)
	if list.code != 0 || strings.Count(list.stdout, `"Hugging Face user access token"`) != 3 {
		t.Errorf("list --json: %+v", list)
	}
	for _, out := range []string{tr.stdout, tr.stderr, rot.stderr, list.stdout} {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Fatalf("a token was printed:\n%s", out)
			}
		}
	}
	api.mu.Lock()
	for _, p := range api.asked {
		if p != "/api/whoami-v2" {
			t.Errorf("unexpected request %s", p)
		}
	}
	api.mu.Unlock()
	sinkMu.Lock()
	defer sinkMu.Unlock()
	if len(sunk) > 0 {
		t.Fatalf("a Hugging Face token went to the github.com API: %q", sunk)
	}
	if t.Failed() {
		t.Logf("doctor --online:\n%s\n%s", tr.stdout, tr.stderr)
	}
}
