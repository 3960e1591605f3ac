package credential_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

func serve(t *testing.T, s *credential.Server, action string, lines ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := s.Serve(context.Background(), action, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out)
	return out.String(), err
}

// git calls store on every helper after every success. Storing back what
// get returned must not write, with or without the state capability.
func TestStoreAfterGetDoesNotRewrite(t *testing.T) {
	state := []string{"capability[]=authtype", "capability[]=state"}
	tests := []struct {
		name string
		caps []string
		path string
		drop string // a key this git version does not hand back
	}{
		{"git 2.46 with state marker", state, "", ""},
		{"older git without capabilities", nil, "", ""},
		{"owner token answering a repository path", nil, "path=acme/repo.git", ""},
		{"git 2.46: owner token for a repository", state, "path=acme/repo.git", ""},
		{"git 2.46: owner token for git-lfs", state, "path=acme/repo.git/info/lfs", ""},
		{"git 2.39 (no expiry sent back): owner token for a repository", nil, "path=acme/repo.git", "password_expiry_utc="},
		{"git 2.39: owner token for git-lfs", nil, "path=acme/repo.git/info/lfs", "password_expiry_utc="},
		{"git 2.39: owner entry itself", nil, "", "password_expiry_utc="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := &storetest.Memory{}
			s := &credential.Server{Store: mem}
			if _, err := serve(t, s, "store", "protocol=https", "host=github.com", "path=acme", "username=u", "password=tok", "password_expiry_utc=4102444800"); err != nil {
				t.Fatal(err)
			}
			writes := mem.Writes
			req := append(append([]string{}, tc.caps...), "protocol=https", "host=github.com")
			if tc.path != "" {
				req = append(req, tc.path)
			} else {
				req = append(req, "path=acme")
			}
			out, err := serve(t, s, "get", req...)
			if err != nil || !strings.Contains(out, "password=tok") {
				t.Fatalf("get: %q %v", out, err)
			}
			// git hands back the request plus what we answered (and state[]).
			back := append([]string{}, req...)
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if tc.drop == "" || !strings.HasPrefix(l, tc.drop) {
					back = append(back, l)
				}
			}
			if _, err := serve(t, s, "store", back...); err != nil {
				t.Fatal(err)
			}
			if mem.Writes != writes {
				t.Fatalf("store after get wrote %d time(s)", mem.Writes-writes)
			}
			// A genuinely new token is still written.
			if _, err := serve(t, s, "store", "protocol=https", "host=github.com", "path=acme", "username=u", "password=tok2"); err != nil || mem.Writes != writes+1 {
				t.Fatalf("new token not written: %v writes=%d", err, mem.Writes-writes)
			}
		})
	}
}

func TestStateCapability(t *testing.T) {
	s := &credential.Server{Store: &storetest.Memory{}}
	serve(t, s, "store", "protocol=https", "host=h", "username=u", "password=p")
	out, _ := serve(t, s, "get", "capability[]=authtype", "capability[]=state", "protocol=https", "host=h")
	if !strings.HasPrefix(out, "capability[]=authtype\ncapability[]=state\n") || !strings.Contains(out, "\nstate[]=pat:") {
		t.Fatalf("get with capabilities: %q", out)
	}
	out, _ = serve(t, s, "get", "protocol=https", "host=h")
	if strings.Contains(out, "capability") || strings.Contains(out, "state[]") {
		t.Fatalf("get without capabilities announced some: %q", out)
	}
}

func TestPlainHTTPRefused(t *testing.T) {
	tests := []struct {
		host      string
		allowHTTP bool
		wantToken bool
	}{
		{"example.com", false, false},
		{"example.com", true, true},
		{"localhost:8080", false, true},
		{"127.0.0.1:3000", false, true},
		{"[::1]:3000", false, true},
		{"127.example.com", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			s := &credential.Server{Store: &storetest.Memory{}, AllowHTTP: tc.allowHTTP}
			serve(t, s, "store", "protocol=http", "host="+tc.host, "username=u", "password=secret-tok")
			out, err := serve(t, s, "get", "protocol=http", "host="+tc.host)
			if got := strings.Contains(out, "secret-tok"); got != tc.wantToken {
				t.Fatalf("token returned = %v, want %v (err %v)", got, tc.wantToken, err)
			}
			if !tc.wantToken && (err == nil || !strings.Contains(err.Error(), "https://") || strings.Contains(err.Error(), "secret-tok")) {
				t.Fatalf("want an error pointing at https without the token, got %v", err)
			}
		})
	}
}

func TestDebugTraceRedactsSecrets(t *testing.T) {
	var trace bytes.Buffer
	s := &credential.Server{Store: &storetest.Memory{}, Debug: &trace}
	serve(t, s, "store", "protocol=https", "host=h", "username=u", "password=ghp_SECRET", "oauth_refresh_token=REFRESH_SECRET")
	serve(t, s, "get", "capability[]=authtype", "protocol=https", "host=h")
	serve(t, s, "store", "capability[]=authtype", "protocol=https", "host=b", "authtype=Bearer", "credential=BEARER_SECRET")
	serve(t, s, "get", "protocol=https", "host=h", "password")
	got := trace.String()
	for _, secret := range []string{"ghp_SECRET", "REFRESH_SECRET", "BEARER_SECRET"} {
		if strings.Contains(got, secret) {
			t.Fatalf("trace leaks %s:\n%s", secret, got)
		}
	}
	for _, want := range []string{"store: request:", "get: response:", "password=<redacted>", "input error"} {
		if !strings.Contains(got, want) {
			t.Fatalf("trace lacks %q:\n%s", want, got)
		}
	}
}
