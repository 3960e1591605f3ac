package e2e

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// forgeAPI is a GitLab- and Gitea-like API on a TLS test server. Its host
// (127.0.0.1:PORT) is the forge host the tokens are stored for, so the
// binary verifies against it under the rule it applies to every user: a
// token only goes to the host it is stored for. tokens says how each token
// answers: "valid", "readonly" (lacks write_repository) or "revoked";
// gitea says whether /api/v1/version answers.
type forgeAPI struct {
	srv    *httptest.Server
	host   string
	mu     sync.Mutex
	asked  int
	tokens map[string]string
}

func (f *forgeAPI) requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

func newForgeAPI(t *testing.T, e *gittest.Env, gitea bool, tokens map[string]string) *forgeAPI {
	f := &forgeAPI{tokens: tokens}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.asked++
		f.mu.Unlock()
		tok := r.Header.Get("PRIVATE-TOKEN")
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "token ") {
			tok = strings.TrimPrefix(a, "token ")
		}
		f.mu.Lock()
		state := f.tokens[tok]
		f.mu.Unlock()
		switch {
		case r.URL.Path == "/api/v1/version" && gitea:
			w.Write([]byte(`{"version":"9.0.3+gitea-1.22.0"}`))
		case state == "" || state == "revoked":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"401 Unauthorized"}`))
		case r.URL.Path == "/api/v4/personal_access_tokens/self" && !gitea:
			scopes := []string{"read_repository", "write_repository"}
			if state == "readonly" {
				scopes = scopes[:1]
			}
			name := "laptop"
			if state == "hostile" { // a server that answers with escape sequences
				name, scopes = "laptop\x1b[2J\x1b[31mFAKE\x1b[0m", append(scopes, "x\x1b]0;PWNED\x07")
			}
			json.NewEncoder(w).Encode(map[string]any{"name": name, "active": true, "revoked": false, "scopes": scopes, "expires_at": "2099-06-01"})
		case r.URL.Path == "/api/v4/personal_access_tokens/self/rotate" && r.Method == http.MethodPost && !gitea:
			f.mu.Lock()
			f.tokens[tok] = "revoked"
			f.tokens[glRotated] = "valid"
			f.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"name": "laptop", "active": true, "revoked": false, "scopes": []string{"api"}, "expires_at": r.URL.Query().Get("expires_at"), "token": glRotated})
		case r.URL.Path == "/api/v1/user" && gitea && state == "hostile":
			// A login no username may be: git's protocol and the file
			// would carry a NEL, a newline and a forged field.
			json.NewEncoder(w).Encode(map[string]any{"login": "carol\u0085\nhost=evil.example"})
		case r.URL.Path == "/api/v1/user" && gitea:
			w.Write([]byte(`{"login":"carol"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	f.host = strings.TrimPrefix(f.srv.URL, "https://")
	pemFile := filepath.Join(t.TempDir(), "forge.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Setenv("SSL_CERT_FILE", pemFile)
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	return f
}

const (
	glGood     = "glpat-GoodToken000000000000"
	glReadOnly = "glpat-ReadOnly0000000000000"
	glRevoked  = "glpat-Revoked00000000000000"
	glRotated  = "glpat-RotatedByGitLab000000"
	giteaGood  = "0123456789abcdef0123456789abcdef01234567"
	glDeploy   = "gldt-DeployToken0000000000"
)

// A GitLab deploy token (gldt-) goes with its own username and cannot use
// GitLab's API: login without --username refuses and names the flag; with
// it, login stores the token unverified and sends the API nothing.
// Regression test: login took it for an unknown token, asked the host
// whether it runs Gitea, and stored it with a username GitLab refuses.
func TestLoginGitLabDeployToken(t *testing.T) {
	e := gittest.NewEnv(t)
	f := newForgeAPI(t, e, false, map[string]string{glGood: "valid"})
	file := filepath.Join(e.Home, "creds")
	tr := cmdsRun(t, e, e.Home, glDeploy, "--file", file, "login", "--host", f.host)
	if tr.code != 1 || !strings.Contains(tr.stderr, "a GitLab deploy token goes with its own username") || !strings.Contains(tr.stderr, "--username DEPLOY_TOKEN_USERNAME") {
		t.Fatalf("login without --username: %+v", tr)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("login without --username stored something")
	}
	tr = cmdsRun(t, e, e.Home, glDeploy, "--file", file, "login", "--host", f.host, "--username", "gitlab+deploy-token-7")
	if tr.code != 0 || !strings.Contains(tr.stderr, "not verified: GitLab deploy tokens cannot use GitLab's API") ||
		!strings.Contains(tr.stdout, "GitLab deploy token gldt-****0000 for https://gitlab%2Bdeploy-token-7@"+f.host+" in store file") {
		t.Fatalf("login --username: %+v", tr)
	}
	if n := f.requests(); n != 0 {
		t.Fatalf("the forge's API was asked %d times", n)
	}
}

// The other commands that ask GitLab's API about a stored token leave a
// deploy token (gldt-) out, as login does, and say why: rotate --via-api
// (GitLab's self-rotation takes personal, group and project access tokens
// only), doctor --online and git's erase check. Regression test: rotate
// --via-api sent the deploy token to /personal_access_tokens/self/rotate
// and reported GitLab's 401 as a rejected token.
func TestGitLabDeployTokenNotSentToTheAPI(t *testing.T) {
	tests := []struct {
		name        string
		stdin       string
		args        []string
		code        int
		out         string // in stdout+stderr
		stillStored bool
	}{
		{"rotate --via-api", "", []string{"rotate", "--host", "HOST", "--via-api"}, 1,
			"rotate --via-api: GitLab deploy tokens cannot use GitLab's API, so GitLab cannot rotate this one; create a new deploy token where this one was made (the project's or group's Settings > Repository > Deploy tokens) and run: git-credential-pat --file FILE rotate --host HOST", true},
		{"doctor --online", "", []string{"doctor", "--online"}, 1,
			"not checked: GitLab deploy tokens cannot use GitLab's API", true},
		{"git's erase", "protocol=https\nhost=HOST\nusername=gitlab+deploy-token-7\npassword=" + glDeploy + "\n", []string{"erase"}, 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			f := newForgeAPI(t, e, false, map[string]string{glGood: "valid"})
			file := filepath.Join(e.Home, "creds")
			if tr := cmdsRun(t, e, e.Home, glDeploy, "--file", file, "login", "--host", f.host, "--username", "gitlab+deploy-token-7"); tr.code != 0 {
				t.Fatalf("login: %+v", tr)
			}
			fill := func(s string) string {
				return strings.NewReplacer("HOST", f.host, "FILE", file, `\n`, "\n").Replace(s)
			}
			args := []string{"--file", file}
			for _, a := range tc.args {
				args = append(args, fill(a))
			}
			tr := cmdsRun(t, e, e.Home, fill(tc.stdin), args...)
			if tr.code != tc.code || !strings.Contains(tr.stdout+tr.stderr, fill(tc.out)) {
				t.Errorf("%s: %+v", tc.name, tr)
			}
			if n := f.requests(); n != 0 {
				t.Errorf("%s asked the forge's API %d times", tc.name, n)
			}
			b, _ := os.ReadFile(file)
			if strings.Contains(string(b), glDeploy) != tc.stillStored {
				t.Errorf("%s: the file holds:\n%s", tc.name, b)
			}
		})
	}
}

// What a forge's API answers (a token's name, its scopes, an account's
// login) reaches the terminal without control characters, and a login no
// username may be is not stored: the token goes with the default username,
// and git's get answers with it.
func TestForgeAnswersPrintedSafely(t *testing.T) {
	for _, tc := range []struct {
		name, token string
		gitea       bool
		stdout      string
		username    string // stored with the token
	}{
		{"GitLab token name and scopes", glGood, false, `the token "laptop?[2J?[31mFAKE?[0m" is active`, "oauth2"},
		{"Gitea login", giteaGood, true, "the token belongs to carol??host=evil.example", "x-access-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			f := newForgeAPI(t, e, tc.gitea, map[string]string{tc.token: "hostile"})
			file := filepath.Join(e.Home, "creds")
			tr := cmdsRun(t, e, e.Home, tc.token, "login", "--file", file, "--host", f.host)
			if tr.code != 0 || !strings.Contains(tr.stdout, tc.stdout) {
				t.Fatalf("login: %+v", tr)
			}
			if strings.ContainsAny(tr.stdout+tr.stderr, "\x1b\x07\u0085") {
				t.Fatalf("login passes the API's control characters on: %q", tr.stdout+tr.stderr)
			}
			out, stderr, code := runBin(t, e, "protocol=https\nhost="+f.host+"\n", "--file", file, "get")
			if code != 0 || !strings.HasPrefix(out, "username="+tc.username+"\npassword="+tc.token+"\n") {
				t.Fatalf("get: exit %d, %q, %s", code, out, stderr)
			}
		})
	}
}

// login verifies against a self-managed GitLab (recognised by its token)
// and a Gitea/Forgejo (recognised by asking /api/v1/version, then
// remembered), and doctor --online reports valid, insufficient and revoked.
func TestForgeLoginVerifiesAndDoctorReports(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}

	gl := newForgeAPI(t, e, false, map[string]string{glGood: "valid", glReadOnly: "readonly"})
	tr := cmdsRun(t, e, e.Home, glGood, append(store, "login", "--host", gl.host)...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Verified with https://"+gl.host+"/api/v4: the token \"laptop\" is active; scopes: read_repository, write_repository") ||
		!strings.Contains(tr.stdout, "GitLab personal access token glpat-****0000 for https://oauth2@"+gl.host+" in store file (expires in") {
		t.Fatalf("GitLab login: %+v", tr)
	}
	tr = cmdsRun(t, e, e.Home, glRevoked, append(store, "login", "--host", gl.host, "--owner", "other")...)
	if tr.code != 1 || !strings.Contains(tr.stderr, "the forge rejected the token (401 401 Unauthorized)") {
		t.Fatalf("GitLab revoked: %+v", tr)
	}
	tr = cmdsRun(t, e, e.Home, glReadOnly, append(store, "login", "--host", gl.host, "--owner", "acme")...)
	if tr.code != 0 || !strings.Contains(tr.stderr, "the token lacks write_repository, which git needs to push (GitLab needs read_repository and write_repository); add it at https://"+gl.host+"/-/user_settings/personal_access_tokens") {
		t.Fatalf("GitLab read-only: %+v", tr)
	}

	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	for _, want := range []string{
		"token glpat-****0000 for https://oauth2@" + gl.host + " is valid (token laptop), expires in",
		"token glpat-****0000 for https://oauth2@" + gl.host + "/acme is valid but insufficient: it lacks write_repository",
	} {
		if !strings.Contains(tr.stdout, want) {
			t.Errorf("doctor --online lacks %q:\n%s", want, tr.stdout)
		}
	}
	// The GitLab token is revoked afterwards: doctor says so.
	gl.mu.Lock()
	gl.tokens[glGood] = "revoked"
	gl.mu.Unlock()
	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	if tr.code != 1 || !strings.Contains(tr.stdout, "token glpat-****0000 for https://oauth2@"+gl.host+": the forge rejected the token") {
		t.Fatalf("doctor after revocation: %+v", tr)
	}
	if strings.Contains(tr.stdout+tr.stderr, glGood) || strings.Contains(tr.stdout+tr.stderr, glReadOnly) {
		t.Fatal("doctor printed a token")
	}

	// Gitea/Forgejo: the host is asked what it runs, and the answer kept.
	e2 := gittest.NewEnv(t)
	gt := newForgeAPI(t, e2, true, map[string]string{giteaGood: "valid"})
	tr = cmdsRun(t, e2, e2.Home, giteaGood, append(store, "login", "--host", gt.host)...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Verified with https://"+gt.host+"/api/v1: the token belongs to carol") ||
		!strings.Contains(tr.stdout, "Stored Gitea/Forgejo token ****4567 for https://carol@"+gt.host+" in store file") {
		t.Fatalf("Gitea login: %+v", tr)
	}
	state, err := os.ReadFile(filepath.Join(e2.Home, ".local", "state", "git-credential-pat", "forges"))
	if err != nil || string(state) != gt.host+"\tGitea/Forgejo\n" {
		t.Fatalf("remembered forges: %q %v", state, err)
	}
	if fi, err := os.Stat(filepath.Join(e2.Home, ".local", "state", "git-credential-pat", "forges")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("forges file mode: %v %v", fi.Mode(), err)
	}
	tr = cmdsRun(t, e2, e2.Home, "", append(store, "doctor", "--online")...)
	if !strings.Contains(tr.stdout, "for https://carol@"+gt.host+" is valid (account carol)") {
		t.Fatalf("Gitea doctor: %+v", tr)
	}
}

// Offline forge rules: Bitbucket app passwords are refused with what
// replaced them, API tokens get their fixed username, Azure DevOps asks for
// the organization, and doctor flags what is stored already.
func TestForgeLoginOffline(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	tr := cmdsRun(t, e, e.Home, "ATBBfakeAppPassword0000", append(store, "login", "--host", "bitbucket.org", "--username", "carol")...)
	if tr.code != 1 || !strings.Contains(tr.stderr, "app passwords (ATBB...) are switched off; create an API token") || !strings.Contains(tr.stderr, "https://id.atlassian.com/manage-profile/security/api-tokens") {
		t.Fatalf("app password: %+v", tr)
	}
	tr = cmdsRun(t, e, e.Home, "ATATT3xFfGF0fakeApiToken0000", append(store, "login", "--host", "bitbucket.org")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Bitbucket API token ATATT****0000 for https://x-bitbucket-api-token-auth@bitbucket.org in store file") {
		t.Fatalf("Bitbucket API token: %+v", tr)
	}
	tr = cmdsRun(t, e, e.Home, strings.Repeat("a", 52), append(store, "login", "--host", "dev.azure.com")...)
	if tr.code != 0 || !strings.Contains(tr.stderr, "Azure DevOps tokens belong to an organization") {
		t.Fatalf("Azure without --owner: %+v", tr)
	}
	// An app password stored by an older version: doctor flags it.
	credential(t, e, store, "approve", "url=https://bitbucket.org", "username=carol", "password=ATBBoldAppPassword000000")
	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor")...)
	if tr.code != 1 || !strings.Contains(tr.stdout, "for https://carol@bitbucket.org is a Bitbucket app password") ||
		!strings.Contains(tr.stdout, "global (all accessible organizations) PAT") {
		t.Fatalf("doctor: %+v", tr)
	}
}

// git's erase after a refused request: a token the forge still calls valid
// is kept (with one line saying why); a revoked one, an unreachable forge, a
// host that is no known forge, and GIT_CREDENTIAL_PAT_VERIFY=0 erase as
// before. A token our store does not hold is not sent to the forge.
func TestEraseAsksTheForgeFirst(t *testing.T) {
	for _, tc := range []struct {
		name     string
		token    string // the token git erases
		stored   string // the token our store holds for the host ("" none)
		host     func(f *forgeAPI) string
		verify   string
		entries  int // left in our store
		stderr   string
		askedAPI bool
	}{
		{"valid: kept", glGood, glGood, func(f *forgeAPI) string { return f.host }, "1", 1, "kept the token for HOST: GitLab's API says it is still valid", true},
		{"revoked: erased", glRevoked, glRevoked, func(f *forgeAPI) string { return f.host }, "1", 0, "", true},
		{"API unreachable: erased", glGood, glGood, func(*forgeAPI) string { return "127.0.0.1:1" }, "1", 0, "", false},
		{"not a known forge: erased", "plain-token", "plain-token", func(f *forgeAPI) string { return f.host }, "1", 0, "", false},
		{"verification off: erased", glGood, glGood, func(f *forgeAPI) string { return f.host }, "0", 0, "", false},
		// git sends erase to every helper: a token another helper (GCM, gh)
		// supplied is not ours to check, keep or mention.
		{"not in our store: not asked", glGood, "", func(f *forgeAPI) string { return f.host }, "1", 0, "", false},
		{"we hold another token: not asked", glGood, glReadOnly, func(f *forgeAPI) string { return f.host }, "1", 1, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			f := newForgeAPI(t, e, false, map[string]string{glGood: "valid", "plain-token": "valid"})
			e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", tc.verify)
			host := tc.host(f)
			file := filepath.Join(e.Home, "creds")
			store := []string{"--file", file}
			if tc.stored != "" {
				credential(t, e, store, "approve", "url=https://"+host+"/acme/app.git", "username=oauth2", "password="+tc.stored)
			} else if err := os.WriteFile(file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := runBin(t, e, "protocol=https\nhost="+host+"\npath=acme/app.git\nusername=oauth2\npassword="+tc.token+"\n", append(store, "erase")...)
			if code != 0 {
				t.Fatalf("erase exit %d: %s", code, stderr)
			}
			assertEntries(t, file, tc.entries)
			if wantErr := strings.ReplaceAll(tc.stderr, "HOST", host); !strings.Contains(stderr, wantErr) || (wantErr == "" && stderr != "") || strings.Contains(stderr, tc.token) {
				t.Fatalf("stderr %q, want %q", stderr, wantErr)
			}
			if got := f.requests() > 0; got != tc.askedAPI {
				t.Fatalf("asked the API: %v, want %v", got, tc.askedAPI)
			}
		})
	}
}

// The line an erase check prints names the path git sent, which the
// remote URL chose: its control characters are not passed to the terminal.
func TestEraseCheckPrintsAHostilePathSafely(t *testing.T) {
	e := gittest.NewEnv(t)
	f := newForgeAPI(t, e, false, map[string]string{glGood: "valid"})
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	path := "acme/\x1b[2J\x1b[31mFAKE-WARNING\x1b[0m.git"
	credential(t, e, store, "approve", "url=https://"+f.host+"/acme/%1b[2J%1b[31mFAKE-WARNING%1b[0m.git", "username=oauth2", "password="+glGood)
	_, stderr, code := runBin(t, e, "protocol=https\nhost="+f.host+"\npath="+path+"\nusername=oauth2\npassword="+glGood+"\n", append(store, "erase")...)
	if code != 0 || !strings.Contains(stderr, "kept the token for "+f.host) {
		t.Fatalf("erase: exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "\x1b") || !strings.Contains(stderr, "acme/?[2J?[31mFAKE-WARNING?[0m.git") {
		t.Fatalf("stderr passes the path's escape sequences on: %q", stderr)
	}
}

// A push through real git to an HTTPS server that checks each forge's
// username convention, with the token stored the way login stores it.
func TestPushWithEachForgesUsername(t *testing.T) {
	for _, tc := range []struct {
		forge, token, username string
		loginArgs              []string // besides --host
		repo                   string
	}{
		{"GitHub", fineGrained("PUSH"), "x-access-token", nil, "project"},
		{"GitLab PAT", glGood, "oauth2", nil, "project"},
		{"GitLab CI job token", "glcbt-64_JobToken00000000", "gitlab-ci-token", []string{"--username", "gitlab-ci-token"}, "project"},
		{"GitLab deploy token", glDeploy, "gitlab+deploy-token-7", []string{"--username", "gitlab+deploy-token-7"}, "project"},
		{"Gitea/Forgejo", giteaGood, "carol", []string{"--username", "carol"}, "project"},
		{"Bitbucket API token", "ATATT3xFfGF0ApiToken", "x-bitbucket-api-token-auth", []string{"--username", "x-bitbucket-api-token-auth"}, "project"},
		{"Bitbucket access token", "ATCTT3xFfGN0AccessToken", "x-token-auth", []string{"--username", "x-token-auth", "--owner", "acme"}, "acme/project"},
		{"Azure DevOps", strings.Repeat("a", 52), "azure", []string{"--username", "azure", "--owner", "acme"}, "acme/project"},
	} {
		t.Run(tc.forge, func(t *testing.T) {
			e := gittest.NewEnv(t)
			srv := gittest.StartServer(t)
			srv.Use(e)
			srv.AddUser(tc.username, tc.token)
			repo := srv.NewRepo(t, tc.repo)
			file := filepath.Join(e.Home, "creds")
			store := []string{"--file", file}
			host := strings.TrimPrefix(srv.URL, "https://")
			if tr := cmdsRun(t, e, e.Home, tc.token, append(append(store, "login", "--host", host), tc.loginArgs...)...); tr.code != 0 ||
				!strings.Contains(tr.stdout, "https://"+strings.ReplaceAll(tc.username, "+", "%2B")+"@"+host) { // as git writes a URL's user
				t.Fatalf("login: %+v", tr)
			}
			cloneCommitPush(t, e, helperArgs(store...), repo, filepath.Join(e.Home, "work"), "hello.txt", "HEAD:main")
		})
	}
}

// rotate --via-api: GitLab issues the new token and revokes the old one;
// the store holds the new one, and only GitLab hosts are rotated this way.
func TestRotateThroughGitLab(t *testing.T) {
	e := gittest.NewEnv(t)
	gl := newForgeAPI(t, e, false, map[string]string{glGood: "valid"})
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	if tr := cmdsRun(t, e, e.Home, glGood, append(store, "login", "--host", gl.host, "--owner", "acme")...); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	tr := cmdsRun(t, e, e.Home, "", append(store, "rotate", "--host", gl.host, "--via-api", "--expires", "2099-03-01")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Rotated GitLab personal access token through https://"+gl.host+"/api/v4: stored glpat-****0000 for https://oauth2@"+gl.host+"/acme in store file; the old token is revoked (the new one expires in") ||
		!strings.Contains(tr.stdout, "2099-03-01") || strings.Contains(tr.stdout+tr.stderr, glRotated) {
		t.Fatalf("rotate --via-api: %+v", tr)
	}
	out, _, _ := runBin(t, e, "protocol=https\nhost="+gl.host+"\npath=acme/app.git\n", append(store, "get")...)
	if !strings.Contains(out, "username=oauth2\npassword="+glRotated+"\n") {
		t.Fatalf("get after rotate: %q", out)
	}
	assertEntries(t, file, 1)

	// Another forge: refused, with what to do instead.
	credential(t, e, store, "approve", "url=https://bitbucket.org", "username=x-bitbucket-api-token-auth", "password=ATATT3xFfGF0token")
	tr = cmdsRun(t, e, e.Home, "", append(store, "rotate", "--host", "bitbucket.org", "--via-api")...)
	if tr.code != 1 || !strings.Contains(tr.stderr, "only GitLab rotates a token through its API") {
		t.Fatalf("rotate --via-api on Bitbucket: %+v", tr)
	}
}

// git asks for the token of an HTTPS URL's host, and the repositories of
// an SSH host (hf.co, ssh.github.com) are on another host over HTTPS:
// login for one says where git asks instead. Regression test: the README
// stored a Hugging Face token for hf.co, which git never asks for.
func TestLoginForAnSSHHostNamesTheHTTPSHost(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	for _, tc := range []struct{ host, token, main string }{
		{"hf.co", "hf_" + strings.Repeat("a", 34), "huggingface.co"},
		{"ssh.github.com", fineGrained("SSHH"), "github.com"},
	} {
		tr := cmdsRun(t, e, e.Home, tc.token, "--file", file, "login", "--host", tc.host, "--no-verify")
		if tr.code != 0 || !strings.Contains(tr.stderr, "note: "+tc.host+" is an SSH host; git's HTTPS remotes for its repositories are on "+tc.main+", so git asks for the token there, not for "+tc.host+": git-credential-pat --file "+file+" login --host "+tc.main+"\n") {
			t.Errorf("login --host %s: %+v", tc.host, tr)
		}
	}
	if tr := cmdsRun(t, e, e.Home, "hf_"+strings.Repeat("b", 34), "--file", file, "login", "--host", "huggingface.co", "--no-verify"); strings.Contains(tr.stderr, "SSH host") {
		t.Errorf("login --host huggingface.co: %+v", tr)
	}
}

// Azure DevOps's clone URLs name the organization as the user
// (https://ORG@dev.azure.com/ORG/PROJECT/_git/REPO), so git asks for that
// user's token: login --owner ORG stores the token under ORG, and git gets
// it for those URLs and for the ones without a user. Regression test:
// login stored x-access-token, and git prompted for the clone URL.
func TestAzureCloneURLGetsTheToken(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup")
	token := strings.Repeat("z", 52)
	if tr := cmdsRun(t, e, e.Home, token, "login", "--host", "dev.azure.com", "--owner", "fabrikam", "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	for _, url := range []string{"https://fabrikam@dev.azure.com/fabrikam/Fiber/_git/app", "https://dev.azure.com/fabrikam/Fiber/_git/app"} {
		out, stderr, err := e.Git(t, e.Home, "url="+url+"\n\n", "credential", "fill")
		if err != nil || !strings.Contains(out, "password="+token+"\n") {
			t.Errorf("git credential fill for %s: %v %q %q", url, err, out, stderr)
		}
	}
}

// A GitLab deploy token that an earlier version stored with a generic
// username (oauth2, x-access-token) is refused by GitLab: doctor fails it
// and names the login that stores it under its own username.
func TestDoctorFlagsADeployTokenUnderAGenericUsername(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	credential(t, e, store, "approve", "url=https://gitlab.example.com", "username=oauth2", "password="+glDeploy)
	credential(t, e, store, "approve", "url=https://gitlab.example.com/acme", "username=gitlab+deploy-token-7", "password="+glDeploy+"X")
	tr := cmdsRun(t, e, e.Home, "", append(store, "doctor")...)
	want := "fail  tokens         token gldt-****0000 for https://oauth2@gitlab.example.com: a GitLab deploy token goes with its own username (gitlab+deploy-token-N unless chosen), not oauth2, so GitLab refuses it; fix: git-credential-pat --file " + file + " login --host gitlab.example.com --username DEPLOY_TOKEN_USERNAME\n"
	if tr.code != 1 || !strings.Contains(tr.stdout, want) || strings.Contains(tr.stdout, "deploy-token-7: a GitLab") {
		t.Fatalf("doctor: want %q\n%s%s", want, tr.stdout, tr.stderr)
	}
}

// A token stored under the placeholder username login uses when it knows
// none (x-access-token), on a forge that checks the username (a host
// remembered as Gerrit; bitbucket.org for a token that is not an API or
// access token), is refused by the server: doctor fails it and names the
// login with the account's username. A forge that takes any username
// (GitHub) passes.
func TestDoctorFlagsAPlaceholderUsernameWhereTheForgeChecksIt(t *testing.T) {
	for _, tc := range []struct {
		name, host, token, want string
	}{
		{"Gerrit", "review.example.org", "gerrit-http-credential-0001", "Gerrit checks the username that goes with an HTTP credential"},
		{"bitbucket.org", "bitbucket.org", "plain-bitbucket-secret-0001", "bitbucket.org checks the username that goes with this token"},
		{"GitHub", "github.com", cmdsToken("ghp_", rand1), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			state := filepath.Join(e.Home, ".local", "state", "git-credential-pat") // where login remembers forges
			if err := os.MkdirAll(state, 0o700); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(state, "forges"), "review.example.org\tGerrit\n")
			file := filepath.Join(e.Home, "creds")
			store := []string{"--file", file}
			credential(t, e, store, "approve", "url=https://"+tc.host, "username=x-access-token", "password="+tc.token)
			tr := cmdsRun(t, e, e.Home, "", append(store, "doctor")...)
			fix := "fix: git-credential-pat --file " + file + " login --host " + tc.host + " --username YOUR_USERNAME\n"
			switch {
			case tc.want == "" && strings.Contains(tr.stdout, "fail  tokens"):
				t.Fatalf("doctor fails the token:\n%s", tr.stdout)
			case tc.want != "" && (tr.code != 1 || !strings.Contains(tr.stdout, "fail  tokens") || !strings.Contains(tr.stdout, tc.want) || !strings.Contains(tr.stdout, fix)):
				t.Fatalf("doctor: want %q and %q\n%s%s", tc.want, fix, tr.stdout, tr.stderr)
			}
			if strings.Contains(tr.stdout+tr.stderr, tc.token) {
				t.Fatal("doctor printed the token")
			}
		})
	}
}

// A token git stored into two stores (two lines of ours) is asked about
// once by doctor --online, and reported once. Regression test: the forge's
// API was asked once per store.
func TestDoctorOnlineAsksOncePerToken(t *testing.T) {
	e := gittest.NewEnv(t)
	f := newForgeAPI(t, e, false, map[string]string{glGood: "valid"})
	first, second := filepath.Join(e.Home, "first"), filepath.Join(e.Home, "second")
	writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", first))+"\n\thelper = "+quoteConfig(helperLine("--file", second))+"\n")
	e.MustGit(t, "", "url=https://"+f.host+"\nusername=oauth2\npassword="+glGood+"\n\n", "credential", "approve")
	for _, file := range []string{first, second} {
		if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), f.host) {
			t.Fatalf("git did not store the token in %s: the test proves nothing (%v)", file, err)
		}
	}
	tr := cmdsRun(t, e, e.Home, "", "doctor", "--online")
	if n := strings.Count(tr.stdout, "is valid (token laptop)"); n != 1 || f.requests() != 1 {
		t.Fatalf("doctor --online reported the token %d times and asked the API %d times:\n%s%s", n, f.requests(), tr.stdout, tr.stderr)
	}
}
