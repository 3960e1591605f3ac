package gittest

import (
	"bytes"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Server is a local HTTPS smart-git server (git http-backend behind Basic
// auth). Its self-signed certificate is trusted only by envs passed to Use.
type Server struct {
	URL    string // https://127.0.0.1:port
	CAFile string // PEM of the server certificate, for GIT_SSL_CAINFO

	root    string // GIT_PROJECT_ROOT
	env     *Env   // isolated env for server-side git plumbing
	backend cgi.Handler
	srv     *httptest.Server

	mu            sync.Mutex
	users         map[string]string // username -> token
	anyUserToken  string            // if set, any non-empty username with this token
	ownerTokens   map[string]string // first path segment -> the only token it accepts
	total, unauth int
	passwords     []string                // the Basic auth password of each request that had one
	stderr        bytes.Buffer            // git-http-backend stderr, logged if the test fails
	routes        map[string]http.Handler // path prefix -> a forge's API (Handle)
}

// StartServer starts a server that is closed on t.Cleanup. It has no users
// until AddUser or AllowAnyUsername is called.
func StartServer(t testing.TB) *Server {
	t.Helper()
	RequireGit(t)
	backend, err := backendPath()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{env: NewEnv(t), users: map[string]string{}}
	s.root = filepath.Join(s.env.Home, "repos")
	if err := os.Mkdir(s.root, 0o755); err != nil {
		t.Fatal(err)
	}
	s.backend = cgi.Handler{
		Path: backend,
		// cgi.Handler passes only PATH and a few loader variables from our
		// environment, so the backend sees none of the host's GIT_* config.
		Env: []string{
			"GIT_PROJECT_ROOT=" + s.root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"HOME=" + s.env.Home,
			"XDG_CONFIG_HOME=" + s.env.Getenv("XDG_CONFIG_HOME"),
		},
		Stderr: lockedWriter{&s.mu, &s.stderr},
	}
	s.srv = httptest.NewTLSServer(s)
	s.URL = s.srv.URL

	s.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
	if err := os.WriteFile(s.CAFile, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() {
		s.srv.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		if t.Failed() && s.stderr.Len() > 0 {
			t.Logf("git-http-backend stderr:\n%s", s.stderr.String())
		}
	})
	return s
}

// AddUser accepts Basic auth with this exact username and token as password.
func (s *Server) AddUser(username, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[username] = token
}

// RemoveUser stops accepting username's token (from AddUser): the token
// was revoked, or the server only accepted it once.
func (s *Server) RemoveUser(username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, username)
}

// Passwords returns the Basic auth password of every request that carried
// one, in order: what git sent, to assert a secret never reached the server.
func (s *Server) Passwords() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.passwords)
}

// AllowAnyUsername accepts any non-empty username whose password is token,
// like GitHub does for personal access tokens.
func (s *Server) AllowAnyUsername(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anyUserToken = token
}

// RestrictOwner makes repositories under /owner/ accept only token (with
// any non-empty username), like a fine-grained token scoped to one owner.
func (s *Server) RestrictOwner(owner, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ownerTokens == nil {
		s.ownerTokens = map[string]string{}
	}
	s.ownerTokens[owner] = token
}

// Requests returns how many requests the server saw and how many of them
// were answered 401. Note that git always makes one unauthenticated request
// first, so a successful authenticated operation still counts a 401.
func (s *Server) Requests() (total, unauthorized int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total, s.unauth
}

// Use makes git in e trust the server's certificate. It must be an env var:
// an inherited GIT_SSL_CAINFO would beat http.sslCAInfo from config.
func (s *Server) Use(e *Env) {
	e.Setenv("GIT_SSL_CAINFO", s.CAFile)
}

// NewRepo creates the bare repository name.git with one commit (a README)
// on branch main and push enabled, and returns its clone URL.
func (s *Server) NewRepo(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(s.root, name+".git")
	s.env.MustGit(t, "", "", "init", "--quiet", "--bare", "--initial-branch=main", dir)
	// http-backend enables receive-pack only for REMOTE_USER by default;
	// enable it explicitly so pushes never depend on that.
	s.env.MustGit(t, dir, "", "config", "http.receivepack", "true")
	// Build the commit with plumbing: a bare repo has no work tree.
	blob := trim(s.env.MustGit(t, dir, "# "+name+"\n", "hash-object", "-w", "--stdin"))
	tree := trim(s.env.MustGit(t, dir, "100644 blob "+blob+"\tREADME.md\n", "mktree"))
	commit := trim(s.env.MustGit(t, dir, "", "commit-tree", "-m", "initial commit", tree))
	s.env.MustGit(t, dir, "", "update-ref", "refs/heads/main", commit)
	return s.URL + "/" + name + ".git"
}

func trim(s string) string { return strings.TrimSpace(s) }

// Handle serves the requests whose path starts with prefix with h
// instead of git, and without the server's Basic auth check: a forge's API
// beside its git repositories on one host (Bitbucket Data Center's /rest/
// beside its /scm/ repositories, Gerrit's /config/server/version and
// /a/accounts/self), so a token is verified and used on one host.
func (s *Server) Handle(prefix string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.routes == nil {
		s.routes = map[string]http.Handler{}
	}
	s.routes[prefix] = h
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var route http.Handler
	longest := -1
	for prefix, h := range s.routes { // the longest prefix wins, as in http.ServeMux
		if strings.HasPrefix(r.URL.Path, prefix) && len(prefix) > longest {
			route, longest = h, len(prefix)
		}
	}
	s.mu.Unlock()
	if route != nil {
		route.ServeHTTP(w, r)
		return
	}
	user, ok := s.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="gittest"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	// cgi.Handler rejects chunked bodies, and git sends pushes larger than
	// http.postBuffer chunked, so buffer the body and give it a length.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.TransferEncoding = nil

	h := s.backend // copy per request: REMOTE_USER differs
	h.Env = append(slices.Clip(h.Env), "REMOTE_USER="+user)
	h.ServeHTTP(w, r)
}

// authenticate counts the request and checks its Basic credentials.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	user, pass, hasAuth := r.BasicAuth()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	if hasAuth {
		s.passwords = append(s.passwords, pass)
	}
	ok := hasAuth && user != "" && pass != "" &&
		(s.users[user] == pass || s.anyUserToken == pass)
	owner, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if want, scoped := s.ownerTokens[owner]; scoped {
		ok = hasAuth && user != "" && pass == want
	}
	if !ok {
		s.unauth++
	}
	return user, ok
}

// lockedWriter serialises writes from concurrent CGI processes.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
