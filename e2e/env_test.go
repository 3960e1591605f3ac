package e2e

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// tokenEnv clears every variable the env store reads, so a token in the
// machine's environment (a CI runner's GITHUB_TOKEN) cannot leak into the
// test, then sets vars.
func tokenEnv(e *gittest.Env, vars ...string) {
	for _, k := range []string{"GIT_CREDENTIAL_PAT_TOKEN", "GIT_CREDENTIAL_PAT_HOST", "GIT_CREDENTIAL_PAT_USERNAME", "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GH_HOST", "GITLAB_TOKEN"} {
		e.Setenv(k, "")
	}
	for i := 0; i+1 < len(vars); i += 2 {
		e.Setenv(vars[i], vars[i+1])
	}
}

// useFakeResolvers puts testdata/resolvers (a fake op, ...) first on PATH.
func useFakeResolvers(t *testing.T, e *gittest.Env) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "resolvers"))
	if err != nil {
		t.Fatal(err)
	}
	e.Setenv("PATH", dir+string(os.PathListSeparator)+e.Getenv("PATH"))
}

func TestEnvStoreFillThroughGit(t *testing.T) {
	e := gittest.NewEnv(t)
	tokenEnv(e, "GH_TOKEN", "ghp_FromEnv", "GITLAB_TOKEN", "glpat-FromEnv")
	flags := []string{"--store", "env"}

	got := credential(t, e, flags, "fill", "protocol=https", "host=github.com", "path=org/repo.git")
	if want := "protocol=https\nhost=github.com\nusername=x-access-token\npassword=ghp_FromEnv\n"; got != want {
		t.Fatalf("fill github.com:\n%s\nwant:\n%s", got, want)
	}
	got = credential(t, e, flags, "fill", "url=https://gitlab.com/group/project.git")
	if !strings.Contains(got, "username=oauth2\npassword=glpat-FromEnv\n") {
		t.Fatalf("fill gitlab.com: %q", got)
	}
	// approve and reject are no-ops that succeed, and write nothing.
	credential(t, e, flags, "approve", "protocol=https", "host=github.com", "username=x-access-token", "password=ghp_FromEnv")
	credential(t, e, flags, "reject", "protocol=https", "host=github.com", "username=x-access-token", "password=ghp_FromEnv")
	if got := credential(t, e, flags, "fill", "protocol=https", "host=github.com"); !strings.Contains(got, "password=ghp_FromEnv") {
		t.Fatalf("fill after reject: %q", got)
	}
	assertNothingStored(t, e)
}

// --store env,file: the environment wins; the file answers the rest.
func TestEnvFileChainThroughGit(t *testing.T) {
	e := gittest.NewEnv(t)
	tokenEnv(e, "GH_TOKEN", "ghp_FromEnv")
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--store", "env,file", "--file", file}

	credential(t, e, []string{"--file", file}, "approve", "protocol=https", "host=github.com", "username=alice", "password=ghp_FromFile")
	credential(t, e, []string{"--file", file}, "approve", "protocol=https", "host=example.com", "username=bob", "password=tok_FromFile")
	if got := credential(t, e, flags, "fill", "protocol=https", "host=github.com"); !strings.Contains(got, "username=x-access-token\npassword=ghp_FromEnv\n") {
		t.Fatalf("github.com: %q", got)
	}
	if got := credential(t, e, flags, "fill", "protocol=https", "host=example.com"); !strings.Contains(got, "username=bob\npassword=tok_FromFile\n") {
		t.Fatalf("example.com: %q", got)
	}
	// git approves what fill returned: the env token must not be copied.
	credential(t, e, flags, "approve", "protocol=https", "host=github.com", "username=x-access-token", "password=ghp_FromEnv")
	if data, _ := os.ReadFile(file); strings.Contains(string(data), "ghp_FromEnv") {
		t.Fatalf("env token copied into the file:\n%s", data)
	}
}

// A CI job: nothing stored anywhere, only GITHUB_TOKEN in the environment,
// and a clone of https://github.com/... works. github.com is the local
// server behind a CONNECT proxy; its certificate is for 127.0.0.1, hence
// http.sslVerify=false for this one clone.
func TestCloneWithOnlyGitHubToken(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.AddUser("x-access-token", "ghs_ActionsToken")
	srv.NewRepo(t, "project")
	tokenEnv(e, "GITHUB_TOKEN", "ghs_ActionsToken")
	e.Setenv("NO_PROXY", "")
	e.Setenv("no_proxy", "")
	proxy := connectProxy(t, "github.com:443", strings.TrimPrefix(srv.URL, "https://"))

	args := append(helperArgs("--store", "env"), "-c", "http.proxy="+proxy, "-c", "http.sslVerify=false",
		"clone", "https://github.com/project.git", filepath.Join(e.Home, "work"))
	e.MustGit(t, "", "", args...)
	if _, err := os.Stat(filepath.Join(e.Home, "work", "README.md")); err != nil {
		t.Fatalf("clone has no README: %v", err)
	}
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
	if _, unauthorized := srv.Requests(); unauthorized == 0 {
		t.Fatal("the server never asked for credentials: the test proves nothing")
	}
	assertNothingStored(t, e)
}

// GIT_CREDENTIAL_PAT_TOKEN goes only to the hosts GIT_CREDENTIAL_PAT_HOST
// names: a server that merely asks (a submodule's, a module fetched with
// git) gets nothing, and without the variable the token goes nowhere, with
// a warning that names the fix but not the server. Regression test: the
// token used to answer every https host.
func TestEnvTokenOnlyForItsHost(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("glpat-JobToken")
	repo := srv.NewRepo(t, "project")
	server := strings.TrimPrefix(srv.URL, "https://")
	flags := helperArgs("--store", "env")

	for i, tc := range []struct {
		name, hosts string
		clones      bool
		warning     string
	}{
		{"another host named", "gitlab.example.com, https://git.example.org/", false, ""},
		{"no host named", "", false, "GIT_CREDENTIAL_PAT_HOST is not, so the token goes to no host"},
		{"the server named", "gitlab.example.com," + server, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tokenEnv(e, "GIT_CREDENTIAL_PAT_TOKEN", "glpat-JobToken", "GIT_CREDENTIAL_PAT_HOST", tc.hosts)
			before := len(srv.Passwords())
			_, stderr, err := e.Git(t, "", "", append(flags, "clone", repo, filepath.Join(e.Home, "work", strconv.Itoa(i)))...)
			if cloned := err == nil; cloned != tc.clones {
				t.Fatalf("clone succeeded: %v, want %v\n%s", cloned, tc.clones, stderr)
			}
			if sent := slices.Contains(srv.Passwords()[before:], "glpat-JobToken"); sent != tc.clones {
				t.Fatalf("token sent to the server: %v, want %v", sent, tc.clones)
			}
			if tc.warning != "" && !strings.Contains(stderr, tc.warning) {
				t.Fatalf("git's stderr lacks %q:\n%s", tc.warning, stderr)
			}
			if tc.warning == "" && strings.Contains(stderr, "warning: GIT_CREDENTIAL_PAT") {
				t.Fatalf("unexpected warning:\n%s", stderr)
			}
			if strings.Contains(stderr, "glpat-JobToken") {
				t.Fatalf("git's stderr shows the token:\n%s", stderr)
			}
		})
	}
}

// A 1Password reference stored with login --ref is resolved on every get
// and never replaced by the token it resolves to.
func TestSecretReferenceThroughGit(t *testing.T) {
	e := gittest.NewEnv(t)
	useFakeResolvers(t, e)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("ghp_ResolvedFromOp")
	repo := srv.NewRepo(t, "project")
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--file", file}

	for _, host := range []string{"example.com", strings.TrimPrefix(srv.URL, "https://")} {
		if _, stderr, code := runBin(t, e, "", append(flags, "login", "--ref", "op://vault/item/field", "--host", host, "--username", "alice")...); code != 0 {
			t.Fatalf("login --ref: %s", stderr)
		}
	}
	got := credential(t, e, flags, "fill", "protocol=https", "host=example.com")
	if want := "protocol=https\nhost=example.com\nusername=alice\npassword=ghp_ResolvedFromOp\n"; got != want {
		t.Fatalf("fill:\n%s\nwant:\n%s", got, want)
	}

	// A clone: git fills, succeeds, then approves the resolved token.
	e.MustGit(t, "", "", append(helperArgs(flags...), "clone", repo, filepath.Join(e.Home, "work"))...)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "ghp_ResolvedFromOp") {
		t.Fatalf("the resolved token was written to the file:\n%s", data)
	}
	// The file format percent-encodes passwords.
	if n := strings.Count(string(data), "op%3A%2F%2Fvault%2Fitem%2Ffield"); n != 2 {
		t.Fatalf("references in the file: %d, want 2:\n%s", n, data)
	}

	// A reference the resolver cannot read: git shows why, in one line.
	if _, stderr, code := runBin(t, e, "", append(flags, "login", "--ref", "op://vault/missing", "--host", "broken.example", "--username", "alice")...); code != 0 {
		t.Fatalf("login --ref: %s", stderr)
	}
	_, stderr, err := e.Git(t, "", "protocol=https\nhost=broken.example\n\n", append(helperArgs(flags...), "credential", "fill")...)
	if err == nil {
		t.Fatal("fill of a broken reference succeeded")
	}
	if !strings.Contains(stderr, `git-credential-pat: secret reference "op://vault/missing": op read failed (exit status 1): [ERROR]`) {
		t.Fatalf("stderr: %s", stderr)
	}
}

// assertNothingStored checks that no store wrote a credentials file.
func assertNothingStored(t *testing.T, e *gittest.Env) {
	t.Helper()
	p := filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials")
	if _, err := os.Stat(p); err == nil {
		data, _ := os.ReadFile(p)
		t.Fatalf("a credentials file was written:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(e.Home, ".git-credentials")); err == nil {
		t.Fatal("git's own store ran")
	}
}

// connectProxy is an HTTP proxy that answers CONNECT for host alone, by
// tunnelling to target. It returns its URL; it stops on t.Cleanup.
func connectProxy(t *testing.T, host, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		conns = append(conns, c)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect || r.Host != host {
			http.Error(w, "this proxy only tunnels to "+host, http.StatusForbidden)
			return
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		track(up)
		down, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		track(down)
		if _, err := io.WriteString(down, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
			return
		}
		go func() {
			_, _ = io.Copy(up, rw) // rw: bytes the client sent after CONNECT may be buffered
			up.Close()
		}()
		_, _ = io.Copy(down, up)
		down.Close()
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return (&url.URL{Scheme: "http", Host: ln.Addr().String()}).String()
}
