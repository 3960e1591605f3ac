package credential_test

import (
	"bytes"
	"context"
	"io"
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

// store refuses a protocol that is not a URL scheme: the file store writes
// it unescaped, and "https://mallory:ghp_X@github.com/x?" would otherwise
// become an entry that answers github.com. The error does not quote it.
func TestStoreRefusesProtocolThatIsNotAScheme(t *testing.T) {
	tests := []struct {
		protocol string
		ok       bool
	}{
		{"https", true},
		{"http", true},
		{"git+ssh", true},
		{"x-my.proto2", true},
		{"HTTPS", true},
		{"https://mallory:ghp_X@github.com/x?", false},
		{"https:", false},
		{"2http", false},
		{"-x", false},
		{"ht tp", false},
		{"ht/tp", false},
		{"htt%70", false},
		{"ünï", false},
	}
	for _, tc := range tests {
		t.Run(tc.protocol, func(t *testing.T) {
			mem := &storetest.Memory{}
			s := &credential.Server{Store: mem}
			_, err := serve(t, s, "store", "protocol="+tc.protocol, "host=github.com", "username=u", "password=tok")
			if tc.ok {
				if err != nil || mem.Writes != 1 {
					t.Fatalf("store: %v, writes %d; want it stored", err, mem.Writes)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "not a URL scheme") || strings.Contains(err.Error(), "ghp_X") {
				t.Fatalf("store: %v; want a refusal that does not quote the value", err)
			}
			if mem.Writes != 0 {
				t.Fatal("the credential was stored")
			}
		})
	}
}

// store refuses a host that a URL could not carry: the file store writes
// the host as it is, so "github.com/evil" would come back as github.com
// with a path, and "x@github.com" as a user at github.com.
func TestStoreRefusesHostThatIsNotAHost(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"github.com", true},
		{"git.example.com:8443", true},
		{"[::1]:8443", true},
		{"*.ghe.example.com", true},
		{"github.com/evil", false},
		{"mallory:ghp_X@github.com", false},
		{"github.com?x", false},
		{"github.com#x", false},
		{"git hub.com", false},
		{"github.com\\x", false},
		{"github.com\x01", false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			mem := &storetest.Memory{}
			s := &credential.Server{Store: mem}
			_, err := serve(t, s, "store", "protocol=https", "host="+tc.host, "username=u", "password=tok")
			if tc.ok {
				if err != nil || mem.Writes != 1 {
					t.Fatalf("store: %v, writes %d; want it stored", err, mem.Writes)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "no URL host can") || strings.Contains(err.Error(), "ghp_X") {
				t.Fatalf("store: %v; want a refusal that does not quote the value", err)
			}
			if mem.Writes != 0 {
				t.Fatal("the credential was stored")
			}
		})
	}
}

func TestHasDotSegment(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"acme/repo.git", false},
		{"acme/..repo.git", false},
		{"acme/repo..git", false},
		{".github/repo.git", false},
		{"acme/%2erepo.git", false},
		{"acme/../evil/repo.git", true},
		{"acme/./repo.git", true},
		{"acme/repo.git/..", true},
		{"..", true},
		{"acme/%2e%2e/evil/repo.git", true},
		{"acme/%2E%2e/evil/repo.git", true},
		{"acme/.%2e/evil", true},
		{"acme/%252e%252e/evil", true},
		{"acme%2f..%2fevil", true},
		{"acme/%2e/repo.git", true},
	}
	for _, tc := range tests {
		if got := credential.HasDotSegment(tc.path); got != tc.want {
			t.Errorf("HasDotSegment(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// "host=" is a host that must be empty, not a missing one, and survives a
// round trip through the wire format (the cache daemon's protocol).
func TestEmptyHostIsGiven(t *testing.T) {
	tests := []struct {
		in      string
		hasHost bool
	}{
		{"protocol=https\nhost=\n", true},
		{"protocol=https\nhost=example.com\n", true},
		{"protocol=https\n", false},
		{"url=https:///x\n", true},
	}
	for _, tc := range tests {
		c, err := credential.Read(strings.NewReader(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if c.HasHost != tc.hasHost {
			t.Errorf("Read(%q).HasHost = %v, want %v", tc.in, c.HasHost, tc.hasHost)
		}
		var b bytes.Buffer
		if err := credential.Write(&b, c.Persistent()); err != nil {
			t.Fatal(err)
		}
		back, err := credential.Read(&b)
		if err != nil || back.HasHost != tc.hasHost || back.Host != c.Host {
			t.Errorf("round trip of %q: host %q given %v (%v)", tc.in, back.Host, back.HasHost, err)
		}
	}
}

// Looks keep values for the request they were made for, and a ctx
// without them keeps nothing.
func TestLooks(t *testing.T) {
	ctx := context.Background()
	none := credential.LooksOf(ctx)
	none.Store("k", 1)
	if _, ok := none.Load("k"); ok || none != nil {
		t.Errorf("a ctx without WithLooks kept a value")
	}
	req := credential.WithLooks(ctx)
	credential.LooksOf(req).Store("k", 1)
	if v, ok := credential.LooksOf(credential.Peeking(req)).Load("k"); !ok || v != 1 {
		t.Errorf("Load in the same request = %v, %v; want 1", v, ok)
	}
	if _, ok := credential.LooksOf(credential.WithLooks(ctx)).Load("k"); ok {
		t.Errorf("another request saw this one's value")
	}
}

// closeCounter counts its Close calls.
type closeCounter struct{ closed int }

func (c *closeCounter) Close() error { c.closed++; return nil }

// What a look kept open is closed once: when another value replaces it,
// or when the request ends (Close), which also forgets it.
func TestLooksClose(t *testing.T) {
	req := credential.WithLooks(context.Background())
	looks := credential.LooksOf(req)
	replaced, kept, again := &closeCounter{}, &closeCounter{}, &closeCounter{}
	looks.Store("a", replaced)
	looks.Store("a", kept)
	looks.Store("b", again)
	looks.Store("b", again) // the same value again: still open
	looks.Store("c", 1)     // not a Closer
	if replaced.closed != 1 || kept.closed != 0 || again.closed != 0 {
		t.Fatalf("before Close: closed %d, %d, %d times; want 1, 0, 0", replaced.closed, kept.closed, again.closed)
	}
	looks.Close()
	looks.Close()
	if replaced.closed != 1 || kept.closed != 1 || again.closed != 1 {
		t.Errorf("after Close: closed %d, %d, %d times; want 1, 1, 1", replaced.closed, kept.closed, again.closed)
	}
	if _, ok := looks.Load("c"); ok {
		t.Errorf("Close kept a value")
	}
	credential.LooksOf(context.Background()).Close() // nil Looks: nothing to do
}

// keepingStore keeps a Closer in the request's Looks on every Get, as the
// file store keeps its file open.
type keepingStore struct {
	storetest.Memory
	kept []*closeCounter
}

func (s *keepingStore) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	c := &closeCounter{}
	s.kept = append(s.kept, c)
	credential.LooksOf(ctx).Store(c, c)
	return s.Memory.Get(ctx, q)
}

// A store request closes what its looks kept before Serve returns,
// whether it wrote or found the credential already stored.
func TestServedStoreClosesLooks(t *testing.T) {
	s := &keepingStore{}
	srv := &credential.Server{Store: s}
	in := "protocol=https\nhost=example.com\nusername=u\npassword=p\n\n"
	for i := 0; i < 2; i++ { // a write, then "already stored"
		if err := srv.Serve(context.Background(), "store", strings.NewReader(in), io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.kept) != 2 {
		t.Fatalf("the store was looked at %d times, want 2", len(s.kept))
	}
	for i, c := range s.kept {
		if c.closed != 1 {
			t.Errorf("request %d: what its look kept was closed %d times, want 1", i+1, c.closed)
		}
	}
}

// A port is what git's URL parser takes: decimal digits, 1-65535; git
// fails "invalid port number" on anything else.
func TestCheckPort(t *testing.T) {
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"example.com", true},
		{"example.com:8443", true},
		{"example.com:65535", true},
		{"example.com:007", true},
		{"[::1]", true},
		{"[::1]:8080", true},
		{"example.com:notaport", false},
		{"example.com:0", false},
		{"example.com:65536", false},
		{"example.com:+80", false},
		{"example.com:", false},
		{"[::1]:x", false},
	} {
		if err := credential.CheckPort(tc.host); (err == nil) != tc.ok {
			t.Errorf("CheckPort(%q) = %v, want ok %v", tc.host, err, tc.ok)
		}
	}
}
