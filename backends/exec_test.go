package backends

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// useResolvers puts the fake resolvers in testdata/resolvers first on PATH.
func useResolvers(t *testing.T) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "resolvers"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// storedWith returns a memory store holding one github.com entry whose
// password is password, wrapped by Resolving.
func storedWith(t *testing.T, password string, o Options) (credential.Store, *storetest.Memory) {
	t.Helper()
	m := &storetest.Memory{}
	if err := m.Store(context.Background(), cred("github.com", "alice", password)); err != nil {
		t.Fatal(err)
	}
	return Resolving(m, o), m
}

var githubQuery = credential.Credential{Protocol: "https", Host: "github.com"}

func TestResolvingResolves(t *testing.T) {
	useResolvers(t)
	tests := []struct {
		name, password string
		o              Options
		want           string
	}{
		{"not a reference", "ghp_plain", Options{}, "ghp_plain"},
		{"op reference", "op://vault/item/field", Options{}, "ghp_ResolvedFromOp"},
		{"no trailing newline", "op://vault/item/no-newline", Options{}, "tok-without-newline"},
		{"CRLF trimmed", "op://vault/item/crlf", Options{}, "tok-crlf"},
		{"ref: runs the configured resolver with the rest as one argument",
			"ref:team/my token; touch PWNED $(id)", Options{Resolver: "fake-pass show"}, "pass:team/my token; touch PWNED $(id)"},
		{"configured scheme gets the whole reference",
			"vault://secret/data/gh", Options{Resolver: "fake-pass  show", ResolverSchemes: []string{"vault://"}}, "pass:vault://secret/data/gh"},
		{"scheme match is case-insensitive",
			"Vault://secret/data/gh", Options{Resolver: "fake-pass show", ResolverSchemes: []string{"VAULT"}}, "pass:Vault://secret/data/gh"},
		{"op:// can be sent to the configured resolver",
			"op://vault/item/field", Options{Resolver: "fake-pass show", ResolverSchemes: []string{"op"}}, "pass:op://vault/item/field"},
		{"unconfigured scheme is a plain password", "vault://secret", Options{}, "vault://secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := storedWith(t, tc.password, tc.o)
			got, err := s.Get(context.Background(), githubQuery)
			if err != nil {
				t.Fatal(err)
			}
			if got.Password != tc.want || got.Username != "alice" || got.Host != "github.com" {
				t.Fatalf("got %q for %q, want %q (%+v)", got.Password, tc.password, tc.want, got.Redacted())
			}
		})
	}
}

func TestResolvingErrors(t *testing.T) {
	useResolvers(t)
	tests := []struct {
		name, password string
		o              Options
		want           []string // substrings of the error
		notWant        []string
	}{
		{"resolver fails: first stderr line shown", "op://vault/missing", Options{},
			[]string{`secret reference "op://vault/missing"`, "op read failed (exit status 1)", `could not read secret "op://vault/missing": not found in vault`},
			[]string{"second line"}},
		{"two lines", "op://vault/item/two-lines", Options{}, []string{"more than one line"}, []string{"line1", "line2"}},
		{"nothing printed by op", "op://vault/item/empty", Options{}, []string{"op read printed nothing"}, nil},
		{"nothing printed by a configured resolver", "ref:x", Options{Resolver: "silent"}, []string{"silent printed nothing"}, nil},
		{"ref: without a resolver", "ref:github/token", Options{}, []string{"no resolver configured", "--resolver"}, nil},
		{"ref: that looks like an option", "ref:--help", Options{Resolver: "fake-pass show"}, []string{"starts with '-'"}, nil},
		{"empty ref:", "ref:", Options{Resolver: "fake-pass show"}, []string{"empty"}, nil},
		{"configured resolver missing", "ref:x", Options{Resolver: "no-such-resolver-here show"},
			[]string{`resolver "no-such-resolver-here" is not installed or not on PATH`}, nil},
		{"resolver's own usage error", "ref:x", Options{Resolver: "fake-pass"},
			[]string{"fake-pass failed (exit status 2): fake-pass: usage"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := storedWith(t, tc.password, tc.o)
			_, err := s.Get(context.Background(), githubQuery)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("error %q contains %q", msg, w)
				}
			}
		})
	}
}

func TestResolvingMissingOp(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s, _ := storedWith(t, "op://vault/item/field", Options{})
	_, err := s.Get(context.Background(), githubQuery)
	if err == nil || !strings.Contains(err.Error(), "the 1Password CLI (op) is not installed or not on PATH; install it") {
		t.Fatalf("got %v", err)
	}
	// A plain password needs no resolver at all.
	s, _ = storedWith(t, "ghp_plain", Options{})
	if got, err := s.Get(context.Background(), githubQuery); err != nil || got.Password != "ghp_plain" {
		t.Fatalf("plain password: %v", err)
	}
}

func TestResolvingDeadline(t *testing.T) {
	useResolvers(t)
	s, _ := storedWith(t, "ref:anything", Options{Resolver: "hang", ResolverTimeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := s.Get(context.Background(), githubQuery)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("deadline not enforced: took %v", elapsed)
	}
	if err == nil || !strings.Contains(err.Error(), "hang did not answer within 300ms") || !strings.Contains(err.Error(), "--resolver-timeout") {
		t.Fatalf("got %v", err)
	}
}

// The env store's token variables do not reach the resolver (fake-pass
// fails if they do); the resolver's output is the only way the secret
// travels.
func TestResolverEnvironmentHasNoTokens(t *testing.T) {
	useResolvers(t)
	for _, v := range envTokenVars {
		t.Setenv(v, "must-not-leak")
	}
	s, _ := storedWith(t, "ref:team/token", Options{Resolver: "fake-pass show"})
	got, err := s.Get(context.Background(), githubQuery)
	if err != nil || got.Password != "pass:team/token" {
		t.Fatalf("got %q, %v", got.Password, err)
	}
}

// git stores (approve) the resolved token after every success; that must
// not replace the reference with the secret.
func TestResolvingKeepsReferences(t *testing.T) {
	useResolvers(t)
	ctx := context.Background()
	s, m := storedWith(t, "op://vault/item/field", Options{})
	stored := func() string {
		t.Helper()
		c, err := m.Get(ctx, githubQuery)
		if err != nil {
			t.Fatal(err)
		}
		return c.Password
	}

	// Through Serve, as git does it: get, then store what get returned.
	var out bytes.Buffer
	if err := credential.Serve(ctx, "get", s, strings.NewReader("protocol=https\nhost=github.com\n"), &out); err != nil {
		t.Fatal(err)
	}
	if want := "username=alice\npassword=ghp_ResolvedFromOp\n"; out.String() != want {
		t.Fatalf("get: %q", out.String())
	}
	if err := credential.Serve(ctx, "store", s, strings.NewReader("protocol=https\nhost=github.com\nusername=alice\npassword=ghp_ResolvedFromOp\n"), nil); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "op://vault/item/field" {
		t.Fatalf("approve replaced the reference with %q", got)
	}

	// Another plain token for the same key does not replace it either ...
	if err := s.Store(ctx, cred("github.com", "alice", "ghp_typed")); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "op://vault/item/field" {
		t.Fatalf("plain store replaced the reference with %q", got)
	}
	// ... nor does git's reject of the resolved token erase it ...
	if err := s.Erase(ctx, cred("github.com", "alice", "ghp_ResolvedFromOp")); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "op://vault/item/field" {
		t.Fatalf("erase of the resolved token: stored %q", got)
	}
	// ... but a new reference does, and so does a store after an erase.
	if err := s.Store(ctx, cred("github.com", "alice", "ref:new")); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "ref:new" {
		t.Fatalf("new reference not stored: %q", got)
	}
	if err := s.Erase(ctx, credential.Credential{Protocol: "https", Host: "github.com"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Store(ctx, cred("github.com", "alice", "ghp_plain")); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "ghp_plain" {
		t.Fatalf("store after erase: %q", got)
	}
	// Other users' entries are not guarded by alice's reference.
	if err := s.Store(ctx, cred("github.com", "bob", "op://vault/item/field")); err != nil {
		t.Fatal(err)
	}
	if err := s.Store(ctx, cred("github.com", "alice", "ghp_plain2")); err != nil {
		t.Fatal(err)
	}
	if c, err := m.Get(ctx, cred("github.com", "alice", "")); err != nil || c.Password != "ghp_plain2" {
		t.Fatalf("alice: %+v %v", c.Redacted(), err)
	}
}

func TestResolvingListsReferences(t *testing.T) {
	s, _ := storedWith(t, "op://vault/item/field", Options{})
	l, ok := s.(credential.Lister)
	if !ok {
		t.Fatal("Resolving hides the inner store's List")
	}
	t.Setenv("PATH", t.TempDir()) // listing must not run a resolver
	es, err := l.List(context.Background())
	if err != nil || len(es) != 1 || es[0].Password != "op://vault/item/field" {
		t.Fatalf("list: %+v %v", es, err)
	}
	if _, ok := Resolving(&EnvStore{}, Options{}).(credential.Lister); ok {
		t.Fatal("Resolving made a non-lister list")
	}
	if Resolving(s, Options{}) != s {
		t.Fatal("Resolving wrapped twice")
	}
}

// Without references the wrapper is transparent.
func TestResolvingConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) credential.Store { return Resolving(&storetest.Memory{}, Options{}) })
}

// git stores back what get returned after every push. That store must not
// run the resolver again (a real op may ask for a fingerprint each time),
// and must leave the reference in place.
func TestStoreAfterGetResolvesOnce(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "count")
	script := "#!/bin/sh\necho run >> " + count + "\necho ghp_FromCounter\n"
	if err := os.WriteFile(filepath.Join(dir, "counter"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	s, mem := storedWith(t, "ref:item", Options{Resolver: "counter"})
	srv := &credential.Server{Store: s}
	var out strings.Builder
	if err := srv.Serve(context.Background(), "get", strings.NewReader("protocol=https\nhost=github.com\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "password=ghp_FromCounter") {
		t.Fatalf("get: %q", out.String())
	}
	back := "protocol=https\nhost=github.com\n" + out.String()
	if err := srv.Serve(context.Background(), "store", strings.NewReader(back), io.Discard); err != nil {
		t.Fatal(err)
	}
	runs, _ := os.ReadFile(count)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Fatalf("resolver ran %d times for one get and the store after it", n)
	}
	all, _ := mem.List(context.Background())
	if len(all) != 1 || all[0].Password != "ref:item" {
		t.Fatalf("the stored reference was replaced: %+v", all)
	}
}

// An owner's token kept as a reference: git before 2.46 (no state[]) stores
// back the resolved token for every repository it served. That must not
// write the secret in plain text as a path entry, which would also outlive
// the reference's next rotation. A different token for the repository is
// still stored.
func TestResolvingOwnerReferenceNotCopied(t *testing.T) {
	useResolvers(t)
	ctx := context.Background()
	m := &storetest.Memory{}
	owner := cred("github.com", "alice", "op://vault/item/field")
	owner.Path = "acme"
	if err := m.Store(ctx, owner); err != nil {
		t.Fatal(err)
	}
	srv := &credential.Server{Store: Resolving(m, Options{})}
	for _, path := range []string{"acme/app.git", "acme/app.git/info/lfs"} {
		var out strings.Builder
		if err := srv.Serve(ctx, "get", strings.NewReader("protocol=https\nhost=github.com\npath="+path+"\n"), &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "password=ghp_ResolvedFromOp\n") {
			t.Fatalf("get %s: %q", path, out.String())
		}
		back := "protocol=https\nhost=github.com\npath=" + path + "\n" + out.String()
		if err := srv.Serve(ctx, "store", strings.NewReader(back), io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := m.List(ctx)
	if len(all) != 1 || all[0].Password != "op://vault/item/field" {
		var urls []string
		for _, c := range all {
			urls = append(urls, c.URL())
		}
		t.Fatalf("store after get copied the resolved token: %q", urls)
	}
	other := cred("github.com", "alice", "ghp_ForOneRepo")
	other.Path = "acme/special.git"
	if err := srv.Serve(ctx, "store", strings.NewReader("protocol=https\nhost=github.com\npath=acme/special.git\nusername=alice\npassword=ghp_ForOneRepo\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	if c, err := m.Get(ctx, other); err != nil || c.Password != "ghp_ForOneRepo" || c.Path != "acme/special.git" {
		t.Fatalf("a repository's own token was not stored: %v", err)
	}
}
