package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// Bitbucket Data Center tokens for the fake: a personal token in today's
// BBDC- shape, one in the older unprefixed shape, and a project token.
const (
	bbdcPersonal = "BBDC-Mz4PersonalToken0000000000000000000000001"
	bbdcLegacy   = "MDM0MjM5NDc2MDLegacyPersonalToken0002"
	bbdcProject  = "BBDC-Mz4ProjectToken00000000000000000000000003"
	bbdcRevoked  = "BBDC-Mz4RevokedToken00000000000000000000000004"
	bbdcProject2 = "BBDC-Mz4ProjectToken00000000000000000000000005"
)

// bitbucketDC is a Bitbucket Data Center on one local HTTPS host: git
// repositories under /scm/ (internal/gittest's server, which takes a
// personal token with its owner's username in Basic auth, as Bitbucket
// does) and its REST API under /rest/, which takes every token as a
// bearer token and names the user it acts as in X-AUSERNAME: carol for
// her personal tokens, a service user for the project token.
type bitbucketDC struct {
	srv   *gittest.Server
	host  string
	mu    sync.Mutex
	users map[string]string // bearer token -> user it acts as
	asked int               // API requests that carried a token
}

func newBitbucketDC(t *testing.T, e *gittest.Env) *bitbucketDC {
	b := &bitbucketDC{srv: gittest.StartServer(t), users: map[string]string{bbdcPersonal: "carol", bbdcLegacy: "carol", bbdcProject: "project-1-bot", bbdcProject2: "project-1-bot"}}
	b.host = strings.TrimPrefix(b.srv.URL, "https://")
	b.srv.AddUser("carol", bbdcPersonal)
	b.srv.Handle("/rest/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rest/api/1.0/application-properties" {
			w.Write([]byte(`{"version":"9.4.2","buildNumber":"9004002","buildDate":"1712345678901","displayName":"Bitbucket"}`))
			return
		}
		b.mu.Lock()
		b.asked++
		user, ok := b.users[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		b.mu.Unlock()
		if !ok || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"errors":[{"context":null,"message":"Authentication failed. Please check your credentials and try again.","exceptionName":"com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"}]}`))
			return
		}
		w.Header().Set("X-AUSERNAME", user)
		switch r.URL.Path {
		case "/rest/api/1.0/projects":
			w.Write([]byte(`{"size":1,"limit":1,"isLastPage":false,"values":[{"key":"PROJ","id":1,"name":"Project"}],"start":0}`))
		case "/rest/api/1.0/users/carol":
			json.NewEncoder(w).Encode(map[string]any{"name": "carol", "slug": "carol", "type": "NORMAL", "active": true})
		case "/rest/api/1.0/users/project-1-bot":
			json.NewEncoder(w).Encode(map[string]any{"name": "project-1-bot", "slug": "project-1-bot", "type": "SERVICE", "active": true})
		default:
			http.NotFound(w, r)
		}
	}))
	b.srv.Use(e)
	e.Setenv("SSL_CERT_FILE", b.srv.CAFile)
	e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", "1")
	return b
}

// gitSendsBearerHere reports whether the git these tests run sends bearer
// credentials (2.46 and later).
func gitSendsBearerHere(t *testing.T) bool {
	out, err := exec.Command("git", "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	var major, minor int
	fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(string(out)), "git version "), "%d.%d", &major, &minor)
	return major > 2 || major == 2 && minor >= 46
}

// login on a Bitbucket Data Center host: it is recognised (by its BBDC-
// token, or by asking /rest/api/1.0/application-properties for an older
// token) and remembered; a personal token is stored with the username the
// server names, and git clones with it over HTTPS; a project token, which
// Bitbucket takes only as a bearer token, is stored as one with a warning
// on a git older than 2.46; a revoked token, another user's name, and an
// unverifiable token without --username are refused.
func TestBitbucketDCLogin(t *testing.T) {
	bearerGit := gitSendsBearerHere(t)
	for _, tc := range []struct {
		name    string
		token   string
		args    []string
		verify  string
		code    int
		stdout  []string
		stderr  []string
		entry   string // the file store's line for the host, "" for none
		clone   bool   // git clones https://HOST/scm/PROJ/repo.git with it
		bearer  bool   // git's get with capability[]=authtype answers Bearer
		remembs bool   // the host is remembered as Bitbucket Data Center
	}{
		{name: "personal BBDC- token: its user from the server", token: bbdcPersonal, verify: "1",
			stdout: []string{"Verified with https://HOST/rest/api/1.0: the token belongs to carol; Bitbucket Data Center does not say when it expires (record it with --expires)",
				"Stored Bitbucket Data Center HTTP access token BBDC-****0001 for https://carol@HOST in store file"},
			entry: "https://carol:" + bbdcPersonal + "@HOST", clone: true, remembs: true},
		{name: "older unprefixed token: the host is asked what it runs", token: bbdcLegacy, verify: "1",
			stdout: []string{"the token belongs to carol", "Stored Bitbucket Data Center token ****0002 for https://carol@HOST in store file"},
			entry:  "https://carol:" + bbdcLegacy + "@HOST", remembs: true},
		{name: "project token: stored as a bearer token", token: bbdcProject, verify: "1",
			stdout: []string{"Verified with https://HOST/rest/api/1.0: the token is valid",
				"Stored Bitbucket Data Center HTTP access token BBDC-****0003 for https://HOST in store file, as a bearer token (authtype=Bearer)"},
			stderr: map[bool][]string{false: {"which works only as a bearer token; git sends a bearer token from version 2.46 on, and this git is 2.", "git-credential-pat --file FILE login --host HOST --username YOUR_USERNAME"}}[bearerGit],
			bearer: true, remembs: true},
		{name: "revoked token: refused", token: bbdcRevoked, verify: "1", code: 1,
			stderr: []string{"login: token refused: the forge rejected the token (401 Authentication failed. Please check your credentials and try again.): it is revoked, expired or mistyped; nothing was stored"}},
		{name: "another user's name: refused", token: bbdcPersonal, args: []string{"--username", "dave"}, verify: "1", code: 1,
			stderr: []string{"login: HOST says the token belongs to carol, and Bitbucket Data Center takes a personal token only with its owner's username, not dave; run: git-credential-pat --file FILE login --host HOST --username carol; nothing was stored"}},
		// Regression test: the project token was stored for git's Basic
		// auth with the given username, which Bitbucket refuses.
		{name: "project token with --username: refused", token: bbdcProject, args: []string{"--username", "carol"}, verify: "1", code: 1,
			stderr: []string{"login: HOST says the token acts as project-1-bot, the service user of a project or repository token, which Bitbucket Data Center takes only as a bearer token, never with a username (carol); run: git-credential-pat --file FILE login --host HOST (without --username); nothing was stored"}},
		{name: "verification off, no username: refused", token: bbdcPersonal, verify: "0", code: 1,
			stderr: []string{"login: a Bitbucket Data Center personal HTTP access token goes with your own Bitbucket username; run: git-credential-pat login --host HOST --username YOUR_USERNAME"}},
		{name: "verification off, --username: stored for git's Basic auth", token: bbdcPersonal, args: []string{"--username", "carol"}, verify: "0",
			stdout: []string{"Stored Bitbucket Data Center HTTP access token BBDC-****0001 for https://carol@HOST in store file"},
			entry:  "https://carol:" + bbdcPersonal + "@HOST", clone: true, remembs: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			b := newBitbucketDC(t, e)
			e.Setenv("GIT_CREDENTIAL_PAT_VERIFY", tc.verify)
			file := filepath.Join(e.Home, "creds")
			fill := strings.NewReplacer("HOST", b.host, "FILE", file).Replace
			tr := cmdsRun(t, e, e.Home, tc.token, append([]string{"--file", file, "login", "--host", b.host}, tc.args...)...)
			if tr.code != tc.code {
				t.Fatalf("login exit %d, want %d: %+v", tr.code, tc.code, tr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(tr.stdout, fill(w)) {
					t.Errorf("stdout lacks %q:\n%s", fill(w), tr.stdout)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(tr.stderr, fill(w)) {
					t.Errorf("stderr lacks %q:\n%s", fill(w), tr.stderr)
				}
			}
			if strings.Contains(tr.stdout+tr.stderr, tc.token) {
				t.Fatal("login printed the token")
			}
			data, _ := os.ReadFile(file)
			if tc.entry == "" && strings.Contains(string(data), tc.token) != tc.bearer {
				t.Fatalf("the file holds:\n%s", data)
			}
			if tc.entry != "" && !strings.Contains(string(data), fill(tc.entry)+"\n") {
				t.Fatalf("the file lacks %q:\n%s", fill(tc.entry), data)
			}
			state, _ := os.ReadFile(filepath.Join(e.Home, ".local", "state", "git-credential-pat", "forges"))
			if got := strings.Contains(string(state), b.host+"\tBitbucket Data Center\n"); got != tc.remembs {
				t.Fatalf("remembered forges %q, want the host: %v", state, tc.remembs)
			}
			if tc.clone {
				repo := b.srv.NewRepo(t, "scm/PROJ/repo")
				writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", file))+"\n")
				if _, stderr, err := e.Git(t, e.Home, "", "clone", "--quiet", repo, filepath.Join(e.Home, "clone")); err != nil {
					t.Fatalf("git clone with the stored token: %v\n%s", err, stderr)
				}
				if calls := e.AskpassCalls(); len(calls) != 0 {
					t.Fatalf("git prompted: %q", calls)
				}
			}
			if tc.bearer {
				q := "protocol=https\nhost=" + b.host + "\n"
				out, _, code := runBin(t, e, q+"capability[]=authtype\n", "--file", file, "get")
				if code != 0 || !strings.Contains(out, "authtype=Bearer\ncredential="+tc.token+"\n") || strings.Contains(out, "password=") {
					t.Fatalf("get with capability[]=authtype: exit %d\n%s", code, out)
				}
				if out, _, code := runBin(t, e, q, "--file", file, "get"); code != 0 || strings.Contains(out, tc.token) {
					t.Fatalf("get without the capability (git before 2.46): exit %d\n%s", code, out)
				}
			}
		})
	}
}

// doctor --online asks Bitbucket Data Center about a personal token and a
// bearer (project) token alike; git's erase keeps a personal token the
// server still calls valid; an SSH remote of the host
// (ssh://git@HOST:7999/PROJ/repo.git) is switched to its HTTPS URL, which
// has scm/ before the project.
func TestBitbucketDCDoctorEraseRemotes(t *testing.T) {
	e := gittest.NewEnv(t)
	b := newBitbucketDC(t, e)
	file := filepath.Join(e.Home, "creds")
	store := []string{"--file", file}
	name := strings.Split(b.host, ":")[0]
	dir := cmdsRepo(t, e, "origin", "ssh://git@"+name+":7999/PROJ/repo.git")
	tr := cmdsRun(t, e, dir, bbdcPersonal, append(store, "login", "--host", b.host)...)
	if tr.code != 0 || !strings.Contains(tr.stderr, "git remote set-url origin https://"+b.host+"/scm/PROJ/repo.git") {
		t.Fatalf("login with an SSH remote: %+v", tr)
	}
	if tr := cmdsRun(t, e, dir, "", append(store, "remotes", "--fix")...); tr.code != 0 {
		t.Fatalf("remotes --fix: %+v", tr)
	}
	if got := strings.TrimSpace(e.MustGit(t, dir, "", "remote", "get-url", "origin")); got != "https://"+b.host+"/scm/PROJ/repo.git" {
		t.Fatalf("origin is %q after remotes --fix", got)
	}
	if tr := cmdsRun(t, e, e.Home, bbdcProject, append(store, "login", "--host", b.host, "--owner", "scm/PROJ")...); tr.code != 0 {
		t.Fatalf("project token login: %+v", tr)
	}

	tr = cmdsRun(t, e, e.Home, "", append(store, "doctor", "--online")...)
	for _, want := range []string{
		"token BBDC-****0001 for https://carol@" + b.host + " is valid (account carol)",
		"token Bearer BBDC-****0003 for https://" + b.host + "/scm/PROJ is valid",
	} {
		if !strings.Contains(tr.stdout, want) {
			t.Errorf("doctor --online lacks %q:\n%s", want, tr.stdout)
		}
	}

	requests := func() int { b.mu.Lock(); defer b.mu.Unlock(); return b.asked }
	asked := requests()
	_, stderr, code := runBin(t, e, "protocol=https\nhost="+b.host+"\npath=scm/OTHER/app.git\nusername=carol\npassword="+bbdcPersonal+"\n", append(store, "erase")...)
	if code != 0 || !strings.Contains(stderr, "kept the token for "+b.host+": Bitbucket Data Center's API says it is still valid") || strings.Contains(stderr, bbdcPersonal) {
		t.Fatalf("erase of a valid token: exit %d: %s", code, stderr)
	}
	if requests() == asked {
		t.Fatal("erase did not ask the server")
	}
	if data, _ := os.ReadFile(file); !strings.Contains(string(data), bbdcPersonal) {
		t.Fatalf("erase removed the valid token:\n%s", data)
	}
}

// A project token stored as a bearer entry (authtype=Bearer, no username
// or password) for its project (--owner scm/PROJ) is one the commands
// meet like any other: rotate replaces it (as a bearer entry again when
// verification is off), git's erase for a repository under it removes it
// once Bitbucket rejects it and keeps it (saying why) while Bitbucket
// still accepts it, and logout removes it.
func TestBitbucketDCBearerEntry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		revoke bool     // Bitbucket rejects the stored token before the command
		stdin  string   // "" for git's erase of the stored token
		args   []string // the command after --file FILE
		stdout []string
		stderr []string
		holds  []string // tokens the file holds afterwards
		lacks  []string // tokens it does not
	}{
		{name: "rotate", stdin: bbdcProject2, args: []string{"rotate", "--host", "HOST", "--owner", "scm/PROJ"},
			stdout: []string{"Replaced Bitbucket Data Center HTTP access token BBDC-****0005 for https://HOST/scm/PROJ in store file, as a bearer token (authtype=Bearer)"},
			holds:  []string{bbdcProject2}, lacks: []string{bbdcProject}},
		{name: "rotate with verification off", stdin: bbdcProject2, args: []string{"rotate", "--no-verify", "--host", "HOST"},
			stdout: []string{"Replaced Bitbucket Data Center HTTP access token BBDC-****0005 for https://HOST/scm/PROJ in store file, as a bearer token (authtype=Bearer)"},
			holds:  []string{bbdcProject2}, lacks: []string{bbdcProject}},
		// Regression test: the new entry has another key (carol's), and
		// the old bearer entry stayed beside it.
		{name: "rotate to a personal token", stdin: bbdcPersonal, args: []string{"rotate", "--host", "HOST", "--owner", "scm/PROJ"},
			holds: []string{bbdcPersonal}, lacks: []string{bbdcProject}},
		{name: "erase of a revoked token", revoke: true,
			lacks: []string{bbdcProject}},
		{name: "erase of a valid token", holds: []string{bbdcProject},
			stderr: []string{"kept the token for HOST: Bitbucket Data Center's API says it is still valid, so https://HOST/scm/PROJ/repo.git refused it for another reason", "git-credential-pat login --host HOST --owner scm/PROJECT"}},
		{name: "logout", args: []string{"logout", "--host", "HOST"},
			stdout: []string{"Removed https://HOST/scm/PROJ (Bearer BBDC-****0003) from store file"},
			lacks:  []string{bbdcProject}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			b := newBitbucketDC(t, e)
			file := filepath.Join(e.Home, "creds")
			fill := strings.NewReplacer("HOST", b.host).Replace
			if tr := cmdsRun(t, e, e.Home, bbdcProject, "--file", file, "login", "--host", b.host, "--owner", "scm/PROJ"); tr.code != 0 || !strings.Contains(tr.stdout, "as a bearer token") {
				t.Fatalf("project token login: %+v", tr)
			}
			if tc.revoke {
				b.mu.Lock()
				delete(b.users, bbdcProject)
				b.mu.Unlock()
			}
			var tr transcript
			if tc.args == nil {
				// git 2.46's erase after a refused bearer token, with
				// credential.useHttpPath as login set it for the owner.
				_, stderr, code := runBin(t, e, "capability[]=authtype\nprotocol=https\nhost="+b.host+"\npath=scm/PROJ/repo.git\nauthtype=Bearer\ncredential="+bbdcProject+"\n", "--file", file, "erase")
				tr = transcript{stderr: stderr, code: code}
			} else {
				var args []string
				for _, a := range tc.args {
					args = append(args, fill(a))
				}
				tr = cmdsRun(t, e, e.Home, tc.stdin, append([]string{"--file", file}, args...)...)
			}
			if tr.code != 0 {
				t.Fatalf("exit %d: %+v", tr.code, tr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(tr.stdout, fill(w)) {
					t.Errorf("stdout lacks %q:\n%s", fill(w), tr.stdout)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(tr.stderr, fill(w)) {
					t.Errorf("stderr lacks %q:\n%s", fill(w), tr.stderr)
				}
			}
			if strings.Contains(tr.stdout+tr.stderr, bbdcProject) || strings.Contains(tr.stdout+tr.stderr, bbdcProject2) {
				t.Fatal("a token was printed")
			}
			data, _ := os.ReadFile(file)
			for _, tok := range tc.holds {
				if !strings.Contains(string(data), tok) {
					t.Errorf("the file lacks %s:\n%s", tok, data)
				}
			}
			for _, tok := range tc.lacks {
				if strings.Contains(string(data), tok) {
					t.Errorf("the file still holds %s:\n%s", tok, data)
				}
			}
		})
	}
}
