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
// password is password, marked as a secret reference (as login --ref
// stores it) when it looks like one, wrapped by Resolving.
func storedWith(t *testing.T, password string, o Options) (credential.Store, *storetest.Memory) {
	t.Helper()
	m := &storetest.Memory{}
	c := cred("github.com", "alice", password)
	c.SecretRef = LooksLikeReference(password)
	if err := m.Store(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return Resolving(m, o), m
}

// refCred is cred marked as a secret reference.
func refCred(host, user, ref string) credential.Credential {
	c := cred(host, user, ref)
	c.SecretRef = true
	return c
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
	// ... nor does an unmarked one (git's store of a reference-looking
	// password) ...
	if err := s.Store(ctx, cred("github.com", "alice", "op://attacker/item/field")); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "op://vault/item/field" {
		t.Fatalf("unmarked store replaced the reference with %q", got)
	}
	// ... but a new marked reference does, and so does a store after an erase.
	if err := s.Store(ctx, refCred("github.com", "alice", "op://vault/item/new")); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != "op://vault/item/new" {
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
	if err := s.Store(ctx, refCred("github.com", "bob", "op://vault/item/field")); err != nil {
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

// A password git stored is opaque, whatever it looks like: git's store takes
// any password a server accepted (one in a URL), and resolving it would send
// the user's secret to that server. No resolver runs; Get returns it as it
// is, and git's erase with that string removes it.
func TestResolvingLeavesUnmarkedReferences(t *testing.T) {
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	script := "#!/bin/sh\necho \"$0 $*\" >> " + ran + "\necho ghp_Secret\n"
	for _, name := range []string{"op", "pass"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	ctx := context.Background()
	tests := []struct {
		name, password string
		o              Options
	}{
		{"op", "op://Private/Bank/password", Options{}},
		{"ref:", "ref:bank/password", Options{Resolver: "pass show"}},
		{"configured scheme", "vault://secret/bank", Options{Resolver: "pass show", ResolverSchemes: []string{"vault"}}},
		{"unconfigured scheme", "vault://secret/bank", Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &storetest.Memory{}
			s := Resolving(m, tc.o)
			in := "protocol=https\nhost=evil.example\nusername=x\npassword=" + tc.password + "\n"
			if err := credential.Serve(ctx, "store", s, strings.NewReader(in), nil); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := credential.Serve(ctx, "get", s, strings.NewReader("protocol=https\nhost=evil.example\n"), &out); err != nil {
				t.Fatal(err)
			}
			if want := "username=x\npassword=" + tc.password + "\n"; out.String() != want {
				t.Fatalf("get: %q, want %q", out.String(), want)
			}
			if runs, err := os.ReadFile(ran); err == nil {
				t.Fatalf("a resolver ran: %s", runs)
			}
			if err := credential.Serve(ctx, "erase", s, strings.NewReader(in), nil); err != nil {
				t.Fatal(err)
			}
			if all, _ := m.List(ctx); len(all) != 0 {
				t.Fatalf("erase left %d entries", len(all))
			}
		})
	}
}

// Only a reference this resolver can run is stored marked; the refusal
// never repeats what may be a token typed in the wrong place.
func TestResolvingRefusesUnrunnableReferences(t *testing.T) {
	tests := []struct {
		name, password string
		o              Options
		want           string // in the error; "" = stored
	}{
		{"op", "op://vault/item/field", Options{}, ""},
		{"ref: with a resolver", "ref:github/token", Options{Resolver: "pass show"}, ""},
		{"configured scheme", "vault://secret/gh", Options{Resolver: "pass show", ResolverSchemes: []string{"vault"}}, ""},
		{"a token", "ghp_NotAReference123", Options{}, "not a secret reference"},
		{"unconfigured scheme", "vault://secret/gh", Options{}, "not a secret reference"},
		{"ref: without a resolver", "ref:github/token", Options{}, "no resolver configured"},
		{"ref: that looks like an option", "ref:--help", Options{Resolver: "pass show"}, "starts with '-'"},
		{"control characters", "op://vault/\x1b[2Jitem", Options{}, "not a secret reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &storetest.Memory{}
			err := Resolving(m, tc.o).Store(context.Background(), refCred("github.com", "alice", tc.password))
			stored, _ := m.List(context.Background())
			if tc.want == "" {
				if err != nil || len(stored) != 1 || !stored[0].SecretRef {
					t.Fatalf("not stored marked: %v, %+v", err, stored)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || len(stored) != 0 {
				t.Fatalf("err %v, stored %d; want an error with %q", err, len(stored), tc.want)
			}
			if !LooksLikeReference(tc.password) && strings.Contains(err.Error(), tc.password) {
				t.Fatalf("the error repeats the password: %v", err)
			}
		})
	}
}

// A marked reference whose scheme this helper is not told to resolve is an
// error, never sent to the server as it is.
func TestResolvingMarkedButUnknownScheme(t *testing.T) {
	m := &storetest.Memory{}
	if err := m.Store(context.Background(), refCred("github.com", "alice", "vault://secret/gh")); err != nil {
		t.Fatal(err)
	}
	_, err := Resolving(m, Options{}).Get(context.Background(), githubQuery)
	if err == nil || !strings.Contains(err.Error(), "--resolver-schemes") {
		t.Fatalf("got %v", err)
	}
}

func TestLooksLikeReference(t *testing.T) {
	for p, want := range map[string]bool{
		"op://vault/item/field":        true,
		"op://Private/GitHub PAT/tok":  true,
		"ref:github/token":             true,
		"ref:":                         true,
		"vault://secret/data/gh":       true,
		"git+ssh://x":                  true,
		"ghp_0123456789abcdef":         false,
		"glpat-xyz":                    false,
		"://x":                         false,
		"1op://x":                      false,
		"o p://x":                      false,
		"pa$$word://":                  false,
		"op://vault/item\x1b[2J":       false,
		"op://vault/item\tfield":       false,
		"https:/not-quite":             false,
		"REF:upper-case-is-a-password": false,
	} {
		if got := LooksLikeReference(p); got != want {
			t.Errorf("LooksLikeReference(%q) = %v, want %v", p, got, want)
		}
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
	owner.Path, owner.SecretRef = "acme", true
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
