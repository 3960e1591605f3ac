package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// gerritAPI is Gerrit's REST API beside the git repositories of a
// gittest server, on one host as Gerrit serves them: the version for
// anyone, the account behind /a/ with the same username and HTTP
// credential git uses. It records the Authorization of each API request.
type gerritAPI struct {
	mu    sync.Mutex
	users map[string]string // username -> HTTP credential
	auth  []string          // "PATH AUTHORIZATION" per request
}

func newGerrit(t *testing.T, e *gittest.Env) (*gittest.Server, *gerritAPI) {
	srv := gittest.StartServer(t)
	srv.Use(e)
	e.Setenv("SSL_CERT_FILE", srv.CAFile) // the binary trusts the server
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	g := &gerritAPI{users: map[string]string{}}
	record := func(r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.auth = append(g.auth, r.URL.Path+" "+r.Header.Get("Authorization"))
	}
	srv.Handle("/config/server/version", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write([]byte(")]}'\n\"3.10.1\"\n"))
	}))
	srv.Handle("/a/accounts/self", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		u, p, ok := r.BasicAuth()
		g.mu.Lock()
		want := g.users[u]
		g.mu.Unlock()
		if !ok || want == "" || p != want {
			w.Header().Set("WWW-Authenticate", `Basic realm="Gerrit Code Review"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write([]byte(")]}'\n{\"_account_id\":1000096,\"name\":\"Alice\",\"email\":\"alice@example.org\",\"username\":\"" + u + "\"}\n"))
	}))
	return srv, g
}

func (g *gerritAPI) setUser(user, cred string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if cred == "" {
		delete(g.users, user)
	} else {
		g.users[user] = cred
	}
}

func (g *gerritAPI) requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.auth...)
}

const (
	gerritCred  = "Zx8yGerritHTTPcredential0000000000000042"
	gerritWrong = "Zx8yGerritHTTPcredentialWRONG00000000099"
)

// A Gerrit host: login asks it what it runs (no credential sent) and
// remembers Gerrit; without --username it refuses, since Gerrit checks
// the account's username; with it, it verifies the pair at
// /a/accounts/self, refuses a wrong one and stores a good one. git then
// clones and pushes for review with the stored credential and no prompt;
// doctor --online reports it, rotate --via-api refuses (Gerrit has no
// rotation API) and git's erase keeps a credential Gerrit still accepts
// and forgets one it no longer does.
func TestGerrit(t *testing.T) {
	e := gittest.NewEnv(t)
	srv, g := newGerrit(t, e)
	srv.AddUser("alice", gerritCred)
	g.setUser("alice", gerritCred)
	repo := srv.NewRepo(t, "app")
	host := strings.TrimPrefix(srv.URL, "https://")
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	noSecret := func(tr transcript) {
		t.Helper()
		if strings.Contains(tr.stdout+tr.stderr, gerritCred) || strings.Contains(tr.stdout+tr.stderr, gerritWrong) {
			t.Fatalf("a credential was printed: %+v", tr)
		}
	}

	tr := cmdsRun(t, e, e.Home, gerritCred, append(store, "login", "--host", host)...)
	noSecret(tr)
	if tr.code != 1 || !strings.Contains(tr.stderr, "login: Gerrit checks the username that goes with an HTTP credential: it must be your Gerrit account's username (shown at https://"+host+"/settings/#HTTPCredentials); run: git-credential-pat login --host "+host+" --username YOUR_GERRIT_USERNAME; nothing was stored") {
		t.Fatalf("login without --username: %+v", tr)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("login without --username stored something")
	}
	state, err := os.ReadFile(filepath.Join(e.Home, ".local", "state", "git-credential-pat", "forges"))
	if err != nil || string(state) != host+"\tGerrit\n" {
		t.Fatalf("remembered forges: %q %v", state, err)
	}

	tr = cmdsRun(t, e, e.Home, gerritWrong, append(store, "login", "--host", host, "--username", "alice")...)
	noSecret(tr)
	if tr.code != 1 || !strings.Contains(tr.stderr, "token refused: the forge rejected the token (401): the username is not the Gerrit account's, or the HTTP credential is revoked, expired or mistyped; nothing was stored") {
		t.Fatalf("login with a wrong credential: %+v", tr)
	}

	tr = cmdsRun(t, e, e.Home, gerritCred, append(store, "login", "--host", host, "--username", "alice")...)
	noSecret(tr)
	if tr.code != 0 || !strings.Contains(tr.stdout, "Verified with https://"+host+": the token belongs to alice; Gerrit does not say when it expires (record it with --expires)") ||
		!strings.Contains(tr.stdout, "Stored Gerrit token ****0042 for https://alice@"+host+" in store file") {
		t.Fatalf("login: %+v", tr)
	}

	// The probe carried no credential; the API got only the pair given.
	for _, r := range g.requests() {
		path, auth, _ := strings.Cut(r, " ")
		if path == "/config/server/version" && auth != "" || path == "/a/accounts/self" && !strings.HasPrefix(auth, "Basic ") {
			t.Fatalf("API request %q", r)
		}
	}

	// git clones and pushes a change for review with the stored credential.
	cloneCommitPush(t, e, helperArgs(store...), repo, filepath.Join(e.Home, "work"), "fix.txt", "HEAD:refs/for/main")

	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	noSecret(tr)
	if !strings.Contains(tr.stdout, "token ****0042 for https://alice@"+host+" is valid (account alice)") {
		t.Fatalf("doctor --online: %+v", tr)
	}

	tr = cmdsRun(t, e, e.Home, "", append(store, "rotate", "--host", host, "--via-api")...)
	noSecret(tr)
	if tr.code != 1 || !strings.Contains(tr.stderr, "only GitLab rotates a token through its API, and "+host+" is Gerrit; create a new token at https://"+host+"/settings/#HTTPCredentials") {
		t.Fatalf("rotate --via-api: %+v", tr)
	}

	erase := "protocol=https\nhost=" + host + "\npath=app.git\nusername=alice\npassword=" + gerritCred + "\n"
	_, stderr, code := runBin(t, e, erase, append(store, "erase")...)
	if code != 0 || !strings.Contains(stderr, "kept the token for "+host+": Gerrit's API says the username and HTTP credential are still valid, so https://"+host+"/app.git refused them for another reason: the Gerrit account may not read or push to this repository") {
		t.Fatalf("erase of a valid credential: %d %q", code, stderr)
	}
	assertEntries(t, file, 1)

	// Revoked on Gerrit: doctor says so, and erase forgets it.
	g.setUser("alice", "")
	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	noSecret(tr)
	if tr.code != 1 || !strings.Contains(tr.stdout, "token ****0042 for https://alice@"+host+": the forge rejected the token (401)") {
		t.Fatalf("doctor --online after revocation: %+v", tr)
	}
	if _, stderr, code = runBin(t, e, erase, append(store, "erase")...); code != 0 || stderr != "" {
		t.Fatalf("erase of a revoked credential: %d %q", code, stderr)
	}
	assertEntries(t, file, 0)
}
