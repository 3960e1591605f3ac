package server

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/agent"
	"github.com/git-credential-pat/git-credential-pat/agent/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

func TestRules(t *testing.T) {
	q := func(proto, host, path string) credential.Credential {
		return credential.Credential{Protocol: proto, Host: host, Path: path}
	}
	for _, tc := range []struct {
		rule string
		q    credential.Credential
		want bool
	}{
		{"github.com", q("https", "github.com", ""), true},
		{"github.com", q("https", "github.com", "any/repo.git"), true},
		{"github.com", q("http", "github.com", ""), false},
		{"github.com", q("https", "github.com:443", ""), false},
		{"github.com", q("https", "gist.github.com", ""), false},
		{"GitHub.com/My-Org", q("https", "github.com", "my-org/app.git"), true},
		{"github.com/my-org", q("https", "github.com", "my-org"), true},
		{"github.com/my-org", q("https", "github.com", "my-org-evil/app.git"), false},
		{"github.com/my-org", q("https", "github.com", ""), false},
		{"github.com/my-org/app", q("https", "github.com", "my-org/app.git"), true},
		{"github.com/my-org/app", q("https", "github.com", "my-org/app2.git"), false},
		{"gitlab.example.com:8443/Team", q("https", "gitlab.example.com:8443", "team/app.git"), false}, // case kept off github.com
		{"gitlab.example.com:8443/Team/", q("https", "gitlab.example.com:8443", "Team/sub/app.git"), true},
		{"http://localhost:3000", q("http", "localhost:3000", "x.git"), true},
		{"http://localhost:3000", q("https", "localhost:3000", "x.git"), false},
		// dot segments would leave the rule's path on the server
		{"github.com/my-org", q("https", "github.com", "my-org/../other/repo.git"), false},
		{"github.com/my-org", q("https", "github.com", "my-org/%2e%2e/other/repo.git"), false},
		{"github.com/my-org", q("https", "github.com", "my-org/./app.git"), false},
		{"github.com/my-org", q("https", "github.com", "my-org/a..b.git"), true},
		{"github.com", q("https", "github.com", "my-org/../other/repo.git"), true}, // host-wide: any path is within
	} {
		r, err := ParseRule(tc.rule)
		if err != nil {
			t.Fatalf("ParseRule(%q): %v", tc.rule, err)
		}
		if got := r.Allows(tc.q); got != tc.want {
			t.Errorf("rule %q allows %s://%s/%s = %v, want %v", tc.rule, tc.q.Protocol, tc.q.Host, tc.q.Path, got, tc.want)
		}
	}
	for _, bad := range []string{"", "/path", "ssh://github.com", "user@github.com", "*.example.com"} {
		if _, err := ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%q) accepted it", bad)
		}
	}
}

// startServer runs an agent on a real socket in a fresh private directory.
func startServer(t *testing.T, store credential.Store, confirm func(context.Context, string) bool, rules ...string) (socket string, log *lockedLog) {
	t.Helper()
	cfg := Config{Socket: filepath.Join(t.TempDir(), "a", "sock"), Store: store, Confirm: confirm}
	for _, r := range rules {
		rule, err := ParseRule(r)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Allow = append(cfg.Allow, rule)
	}
	log = &lockedLog{}
	cfg.Log = log
	s, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return s.Socket(), log
}

// lockedLog is the agent's log as a test reads it while the agent writes.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServerAnswersWithinLimits(t *testing.T) {
	ctx := context.Background()
	mem := &storetest.Memory{}
	future := time.Now().Add(24 * time.Hour).Unix()
	for _, c := range []credential.Credential{
		{Protocol: "https", Host: "example.com", Username: "alice", Password: "tok-example", PasswordExpiryUTC: future, OAuthRefreshToken: "tok-refresh"},
		{Protocol: "https", Host: "expired.example", Username: "alice", Password: "tok-expired", PasswordExpiryUTC: time.Now().Add(-time.Hour).Unix()},
		{Protocol: "http", Host: "plain.example", Username: "alice", Password: "tok-plain"},
		{Protocol: "http", Host: "example.com", Username: "alice", Password: "tok-http"},
	} {
		c.HasUsername, c.HasPassword = true, true
		if err := mem.Store(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	socket, log := startServer(t, mem, nil, "example.com/org", "expired.example", "http://plain.example")
	client := &agent.Client{Socket: socket}

	for _, tc := range []struct {
		name       string
		q          credential.Credential
		want       string // the password answered, "" for none
		wantExpiry int64
	}{
		{"allowed path, expiry travels", credential.Credential{Protocol: "https", Host: "example.com", Path: "org/app.git"}, "tok-example", future},
		{"path outside the rule", credential.Credential{Protocol: "https", Host: "example.com", Path: "other/app.git"}, "", 0},
		{"no path from the far side", credential.Credential{Protocol: "https", Host: "example.com"}, "", 0},
		{"an expired token is never answered", credential.Credential{Protocol: "https", Host: "expired.example"}, "", 0},
		{"http where the rule says https", credential.Credential{Protocol: "http", Host: "example.com", Path: "org/app.git"}, "", 0},
		{"http allowed by an http:// rule", credential.Credential{Protocol: "http", Host: "plain.example"}, "tok-plain", 0},
		{"a host not listed", credential.Credential{Protocol: "https", Host: "unlisted.example"}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := client.Get(ctx, tc.q)
			if tc.want == "" {
				if !errors.Is(err, credential.ErrNotFound) {
					t.Fatalf("Get = %+v, %v; want ErrNotFound", got.Redacted(), err)
				}
				return
			}
			if err != nil || got.Password != tc.want || got.PasswordExpiryUTC != tc.wantExpiry {
				t.Fatalf("Get = %+v, %v; want password %q expiry %d", got.Redacted(), err, tc.want, tc.wantExpiry)
			}
			if got.OAuthRefreshToken != "" {
				t.Fatal("the agent sent the OAuth refresh token: the far side could mint tokens after --ttl and --stop")
			}
			if got.Host != tc.q.Host || got.Path != tc.q.Path || !credential.Eligible(tc.q, got, time.Now()) {
				t.Fatalf("answer %+v is not usable for the query", got.Redacted())
			}
		})
	}

	// store and erase from the far side change nothing here.
	before, _ := mem.List(ctx)
	if err := client.Store(ctx, credential.Credential{Protocol: "https", Host: "example.com", Path: "org/app.git", Username: "mallory", Password: "planted"}); err != nil {
		t.Fatal(err)
	}
	if err := client.Erase(ctx, credential.Credential{Protocol: "https", Host: "example.com", Username: "alice", Password: "tok-example"}); err != nil {
		t.Fatal(err)
	}
	after, _ := mem.List(ctx)
	if len(after) != len(before) {
		t.Fatalf("the far side changed the store: %d entries before, %d after", len(before), len(after))
	}
	if got, err := client.Get(ctx, credential.Credential{Protocol: "https", Host: "example.com", Path: "org/x.git"}); err != nil || got.Password != "tok-example" {
		t.Fatalf("after erase from the far side: %v, %v", got.Redacted(), err)
	}

	info, err := List(socket)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Requests) != 10 || len(info.Allow) != 3 {
		t.Fatalf("list: %d requests, %d rules; want 10 and 3", len(info.Requests), len(info.Allow))
	}
	for _, want := range []string{
		"get https://example.com/org/app.git from pid",
		"refused (not on the allow list (the far side sent no path; its git needs: git config --global credential.useHttpPath true))",
		"get https://expired.example from",
		"not found (no token for it in the store here)",
		"store https://example.com/org/app.git from",
		": ignored",
		"erase https://example.com from",
		": reported",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	for _, secret := range []string{"tok-", "planted", "mallory"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("log shows %q:\n%s", secret, log.String())
		}
	}
}

func TestConfirm(t *testing.T) {
	ctx := context.Background()
	mem := &storetest.Memory{}
	c := credential.Credential{Protocol: "https", Host: "example.com", Username: "alice", Password: "tok"}
	c.HasUsername, c.HasPassword = true, true
	mem.Store(ctx, c)
	answers := make(chan bool, 1)
	questions := make(chan string, 1)
	socket, _ := startServer(t, mem, func(_ context.Context, q string) bool {
		questions <- q
		return <-answers
	}, "example.com")
	client := &agent.Client{Socket: socket}
	q := credential.Credential{Protocol: "https", Host: "example.com", Path: "org/app.git"}
	for _, yes := range []bool{true, false} {
		answers <- yes
		got, err := client.Get(ctx, q)
		question := <-questions
		if !strings.Contains(question, "get https://example.com/org/app.git for pid ") || !strings.Contains(question, "[y/N]") {
			t.Errorf("question %q does not say what and for whom", question)
		}
		if yes && (err != nil || got.Password != "tok") {
			t.Errorf("confirmed: %v, %v", got.Redacted(), err)
		}
		if !yes && !errors.Is(err, credential.ErrNotFound) {
			t.Errorf("declined: %v, %v; want ErrNotFound", got.Redacted(), err)
		}
	}
	// A Get made only to compare (before a store) never asks.
	if _, err := client.Get(credential.Peeking(ctx), q); !errors.Is(err, credential.ErrNotFound) {
		t.Errorf("peeking Get: %v", err)
	}
	select {
	case q := <-questions:
		t.Errorf("a peeking Get asked %q", q)
	default:
	}
}

func TestTerminalConfirm(t *testing.T) {
	for _, tc := range []struct {
		typed string
		want  bool
	}{
		{"y\n", true}, {"YES\n", true}, {"n\n", false}, {"\n", false}, {"maybe\n", false}, {"", false}, // "" = end of input
	} {
		r, w := io.Pipe()
		// Type only once the question is shown: what arrives earlier is
		// discarded on purpose, so typing at once made this test flaky.
		out := &askedWriter{asked: make(chan struct{})}
		ask := terminalConfirm(r, out, time.Hour)
		go func() {
			<-out.asked
			io.WriteString(w, tc.typed)
			w.Close()
		}()
		if got := ask(context.Background(), "answer? "); got != tc.want {
			t.Errorf("typed %q: %v, want %v", tc.typed, got, tc.want)
		}
		if !strings.HasPrefix(out.String(), "answer? ") {
			t.Errorf("typed %q: the question was %q", tc.typed, out.String())
		}
	}
	// Typed before the question: not an answer to it.
	r, w := io.Pipe()
	early := terminalConfirm(r, io.Discard, 50*time.Millisecond)
	early(context.Background(), "warm up? ") // starts the reader; times out
	// A pipe's write returns once read, and the reader reads on only after
	// passing the line before on: so "y" is queued when the second returns.
	io.WriteString(w, "y\n")
	io.WriteString(w, "x\n")
	if early(context.Background(), "answer? ") {
		t.Error("a line typed before the question was taken as its answer")
	}
	w.Close()
	// Nobody answers: the agent stops (or the timeout passes) and it is a no.
	r, _ = io.Pipe()
	ask := terminalConfirm(r, io.Discard, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ask(ctx, "answer? ") {
		t.Error("an unanswered question was taken as yes")
	}
}

// askedWriter records what is written and closes asked on the first write.
type askedWriter struct {
	strings.Builder
	asked chan struct{}
	once  sync.Once
}

func (w *askedWriter) Write(p []byte) (int, error) {
	defer w.once.Do(func() { close(w.asked) })
	return w.Builder.Write(p)
}

func TestStop(t *testing.T) {
	s, err := Listen(Config{Socket: filepath.Join(t.TempDir(), "a", "sock"), Store: &storetest.Memory{}, Allow: []Rule{{Protocol: "https", Host: "example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Serve(context.Background()); close(done) }()
	if _, err := Listen(Config{Socket: s.Socket(), Store: &storetest.Memory{}, Allow: []Rule{{Protocol: "https", Host: "x"}}}); err == nil || !strings.Contains(err.Error(), "already listening") {
		t.Fatalf("a second agent on the same socket: %v", err)
	}
	if err := Stop(s.Socket()); err != nil {
		t.Fatal(err)
	}
	<-done
	for _, p := range []string{s.Socket(), ControlSocket(s.Socket())} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", p, err)
		}
	}
}

// What the far side chooses (its action, its URL) reaches the log and
// agent --list without a control character: it cannot clear the owner's
// screen or forge a log line.
func TestFarSideTextIsPrintable(t *testing.T) {
	socket, log := startServer(t, &storetest.Memory{}, nil, "example.com")
	conn, err := net.Dial("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cred, _ := wire.EncodeCred(credential.Credential{Protocol: "https", Host: "example.com", Path: "x\x1b]0;PWNED\x07"})
	forged := "\x1b[2J\x1b[31mFAKE\n2026-11-28T04:40:00Z get https://github.com/acme/app.git from pid 1 uid 1000 (git): answered"
	if err := wire.SendRequest(conn, wire.Request{Action: forged, Cred: cred}); err != nil {
		t.Fatal(err)
	}
	var r wire.Reply
	if err := wire.ReceiveReply(conn, wire.MaxReply, &r); err != nil || r.Status != wire.StError {
		t.Fatalf("reply %+v, %v; want an error", r, err)
	}
	info, err := List(socket)
	if err != nil || len(info.Requests) != 1 {
		t.Fatalf("list: %+v, %v", info, err)
	}
	// The log: the line the agent starts with, and one for the request.
	if text := log.String(); strings.ContainsAny(text, "\x1b\x07") || strings.Count(text, "\n") != 2 {
		t.Errorf("log holds control characters or a forged line: %q", text)
	}
	if a := info.Requests[0].Action; strings.ContainsAny(a, "\x1b\n") {
		t.Errorf("agent --list shows the action %q", a)
	}
}

// The far side's "answered" question tells it only whether a token it
// holds came from the agent: one that does not hold the token cannot test
// guesses at it. After maxVouchMisses other fingerprints for a request,
// the agent stops comparing for that answer, and a question about another
// request is not compared with it at all. Regression test: every guess
// was compared with every answer, so the right one was confirmed after any
// number of wrong ones (a weak password stored as a token, found from a
// list, past the allow list and --confirm).
func TestAnsweredIsNoGuessingOracle(t *testing.T) {
	ctx := context.Background()
	mem := &storetest.Memory{}
	stored := credential.Credential{Protocol: "https", Host: "example.com", Username: "alice", Password: "hunter2", HasUsername: true, HasPassword: true}
	if err := mem.Store(ctx, stored); err != nil {
		t.Fatal(err)
	}
	socket, _ := startServer(t, mem, nil, "example.com")
	q := credential.Credential{Protocol: "https", Host: "example.com", Path: "acme/app.git"}
	// ask sends the fingerprint of password answered for q, as a question
	// about request.
	ask := func(t *testing.T, request, q credential.Credential, password string) bool {
		t.Helper()
		conn, err := net.Dial("unix", socket)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		held := stored
		held.Protocol, held.Host, held.Path, held.Password = q.Protocol, q.Host, q.Path, password
		cred, _ := wire.EncodeCred(credential.Credential{Protocol: request.Protocol, Host: request.Host, Path: request.Path})
		if err := wire.SendRequest(conn, wire.Request{Action: wire.ActAnswered, Cred: cred, Answer: wire.AnswerFingerprint(held)}); err != nil {
			t.Fatal(err)
		}
		var r wire.Reply
		if err := wire.ReceiveReply(conn, wire.MaxReply, &r); err != nil {
			t.Fatal(err)
		}
		return r.Status == wire.StOK
	}
	for _, tc := range []struct {
		name    string
		guesses []string // sent first, for q
		other   bool     // the right fingerprint, sent as a question about another request
		want    bool     // the right token, then
	}{
		{"the answer itself", nil, false, true},
		{"after a token from elsewhere", []string{"typed-at-a-prompt"}, false, true},
		{"after guesses", []string{"123456", "password", "qwerty", "letmein", "dragon"}, false, false},
		{"for another request", nil, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := &agent.Client{Socket: socket}
			if a, err := client.Get(ctx, q); err != nil || a.Password != stored.Password {
				t.Fatalf("get: %+v, %v", a, err)
			}
			for _, g := range tc.guesses {
				if ask(t, q, q, g) {
					t.Fatalf("the guess %q was vouched for", g)
				}
			}
			asked := q
			if tc.other {
				asked.Path = "acme/other.git"
			}
			if got := ask(t, asked, q, stored.Password); got != tc.want {
				t.Fatalf("the right token after %d guesses: vouched %v, want %v", len(tc.guesses), got, tc.want)
			}
		})
	}
}
