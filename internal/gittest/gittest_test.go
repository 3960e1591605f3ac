package gittest

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// helperArgs configures a one-off credential helper that answers with
// user/token, after clearing any inherited helper list.
func helperArgs(user, token string) []string {
	return []string{
		"-c", "credential.helper=",
		"-c", "credential.helper=!f(){ echo username=" + user + "; echo password=" + token + "; }; f",
	}
}

func TestEnvIsolated(t *testing.T) {
	t.Setenv("GIT_CONFIG_PARAMETERS", "'user.name=leaked'")
	t.Setenv("GIT_SSL_CAINFO", "/nonexistent")
	e := NewEnv(t)
	if out, _, _ := e.Git(t, "", "", "config", "--list", "--show-origin"); out != "" {
		t.Errorf("isolated env sees config:\n%s", out)
	}
	for _, kv := range e.Vars {
		if strings.HasPrefix(kv, "GIT_SSL_CAINFO=") || strings.HasPrefix(kv, "GIT_CONFIG_PARAMETERS=") {
			t.Errorf("inherited %s", kv)
		}
	}
	if got := e.Getenv("HOME"); got != e.Home {
		t.Errorf("HOME = %q, want %q", got, e.Home)
	}
	if got := e.MustGit(t, "", "", "var", "GIT_AUTHOR_IDENT"); !strings.HasPrefix(got, "Gittest Author <author@example.com>") {
		t.Errorf("author ident = %q", got)
	}
}

func TestUnauthorizedResponse(t *testing.T) {
	s := StartServer(t)
	s.AddUser("u", "tok")
	url := s.NewRepo(t, "r") + "/info/refs?service=git-upload-pack"
	for _, tc := range []struct {
		name       string
		user, pass string
		want       int
	}{
		{"no auth", "", "", http.StatusUnauthorized},
		{"wrong token", "u", "nope", http.StatusUnauthorized},
		{"wrong user", "v", "tok", http.StatusUnauthorized},
		{"ok", "u", "tok", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", url, nil)
			if tc.user != "" {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			resp, err := s.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.want)
			}
			if got := resp.Header.Get("WWW-Authenticate"); tc.want == http.StatusUnauthorized && got != `Basic realm="gittest"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
	if total, unauth := s.Requests(); total != 4 || unauth != 3 {
		t.Errorf("Requests() = %d, %d; want 4, 3", total, unauth)
	}
}

func TestCloneCommitPushPull(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*Server)
		user  string
	}{
		{"exact user", func(s *Server) { s.AddUser("u", "tok") }, "u"},
		{"any username", func(s *Server) { s.AllowAnyUsername("tok") }, "x-access-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := StartServer(t)
			tc.setup(s)
			url := s.NewRepo(t, "demo")
			e := NewEnv(t)
			s.Use(e)
			git := func(dir string, args ...string) string {
				t.Helper()
				return e.MustGit(t, dir, "", append(helperArgs(tc.user, "tok"), args...)...)
			}
			a, b := filepath.Join(e.Home, "a"), filepath.Join(e.Home, "b")
			git("", "clone", "--quiet", url, a)
			git("", "clone", "--quiet", url, b)

			// 2 MB is above git's default 1 MiB http.postBuffer, so the push
			// body is sent chunked.
			data := make([]byte, 2<<20)
			rand.Read(data)
			if err := os.WriteFile(filepath.Join(a, "big.bin"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			git(a, "add", "big.bin")
			git(a, "commit", "--quiet", "-m", "add big file")
			git(a, "push", "--quiet", "origin", "main")
			git(b, "pull", "--quiet", "--ff-only")

			got, err := os.ReadFile(filepath.Join(b, "big.bin"))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("second clone does not have the pushed file (err=%v)", err)
			}
			if calls := e.AskpassCalls(); len(calls) != 0 {
				t.Errorf("git prompted: %q", calls)
			}
		})
	}
}

// TestRejectedCredentials shows when git falls back to prompting: a helper
// that supplies a full but wrong username/token makes git give up without a
// prompt; missing credentials make it ask GIT_ASKPASS, which refuses.
func TestRejectedCredentials(t *testing.T) {
	for _, tc := range []struct {
		name       string
		helper     []string
		wantPrompt string // prefix of the first askpass prompt; "" = none
	}{
		{"wrong token", helperArgs("u", "wrong"), ""},
		{"no helper", []string{"-c", "credential.helper="}, "Username for 'https://127.0.0.1:"},
		{"username only", []string{"-c", "credential.helper=", "-c", "credential.helper=!f(){ echo username=u; }; f"}, "Password for 'https://u@127.0.0.1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := StartServer(t)
			s.AddUser("u", "tok")
			url := s.NewRepo(t, "demo")
			e := NewEnv(t)
			s.Use(e)
			_, stderr, err := e.Git(t, "", "", append(tc.helper, "clone", url, "c")...)
			if err == nil {
				t.Fatal("clone succeeded without valid credentials")
			}
			if _, unauth := s.Requests(); unauth == 0 {
				t.Errorf("server counted no 401")
			}
			calls := e.AskpassCalls()
			switch {
			case tc.wantPrompt == "" && len(calls) != 0:
				t.Errorf("unexpected prompts %q", calls)
			case tc.wantPrompt != "" && (len(calls) == 0 || !strings.HasPrefix(calls[0], tc.wantPrompt)):
				t.Errorf("prompts = %q, want first starting %q\nstderr:\n%s", calls, tc.wantPrompt, stderr)
			}
		})
	}
}
