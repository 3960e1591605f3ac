package backends

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// brokenStore fails every call, like a locked keychain.
type brokenStore struct{ err error }

func (b brokenStore) Get(context.Context, credential.Credential) (credential.Credential, error) {
	return credential.Credential{}, b.err
}
func (b brokenStore) Store(context.Context, credential.Credential) error { return b.err }
func (b brokenStore) Erase(context.Context, credential.Credential) error { return b.err }

func TestChainConformance(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) credential.Store {
			s, err := openFile(Options{File: filepath.Join(t.TempDir(), "credentials")})
			if err != nil {
				t.Fatal(err)
			}
			return Chain(s)
		})
	})
	// As --store env,file opens it, with nothing in the environment.
	t.Run("env,file", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) credential.Store {
			s, err := Open("env,file", Options{File: filepath.Join(t.TempDir(), "credentials"), Getenv: envOf(nil)})
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
	t.Run("memory,memory", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) credential.Store { return Chain(&storetest.Memory{}, &storetest.Memory{}) })
	})
}

func TestChainGet(t *testing.T) {
	ctx := context.Background()
	locked := errors.New("keychain: locked; unlock it")
	other := errors.New("file: permission denied")
	env := &EnvStore{Getenv: envOf(map[string]string{"GH_TOKEN": "from-env"})}
	withEntry := func(host, pass string) *storetest.Memory {
		m := &storetest.Memory{}
		if err := m.Store(ctx, cred(host, "alice", pass)); err != nil {
			t.Fatal(err)
		}
		return m
	}
	tests := []struct {
		name    string
		stores  []credential.Store
		host    string
		want    string  // password; "" for an error
		wantErr []error // errors.Is targets
	}{
		{"first store wins", []credential.Store{env, withEntry("github.com", "from-memory")}, "github.com", "from-env", nil},
		{"falls through to the next", []credential.Store{env, withEntry("example.com", "from-memory")}, "example.com", "from-memory", nil},
		{"a later find hides an earlier error", []credential.Store{brokenStore{locked}, withEntry("example.com", "found")}, "example.com", "found", nil},
		{"an earlier find skips a broken store", []credential.Store{env, brokenStore{locked}}, "github.com", "from-env", nil},
		{"nothing anywhere", []credential.Store{env, &storetest.Memory{}}, "example.com", "", []error{credential.ErrNotFound}},
		{"errors when nothing found", []credential.Store{brokenStore{locked}, env, brokenStore{other}}, "example.com", "", []error{locked, other}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Chain(tc.stores...).Get(ctx, credential.Credential{Protocol: "https", Host: tc.host})
			if tc.want != "" {
				if err != nil || got.Password != tc.want {
					t.Fatalf("got %q, %v; want %q", got.Password, err, tc.want)
				}
				return
			}
			for _, target := range tc.wantErr {
				if !errors.Is(err, target) {
					t.Errorf("error %v is not %v", err, target)
				}
			}
			if len(tc.wantErr) > 1 && errors.Is(err, credential.ErrNotFound) {
				t.Errorf("error %v hides the failures as ErrNotFound", err)
			}
		})
	}
}

func TestChainWritesEveryStore(t *testing.T) {
	ctx := context.Background()
	failed := errors.New("keychain: locked")
	a, b := &storetest.Memory{}, &storetest.Memory{}
	env := &EnvStore{Getenv: envOf(nil)}
	s := Chain(env, a, brokenStore{failed}, b)

	err := s.Store(ctx, cred("example.com", "alice", "tok"))
	if !errors.Is(err, failed) {
		t.Fatalf("store error %v, want %v", err, failed)
	}
	for i, m := range []*storetest.Memory{a, b} {
		if c, err := m.Get(ctx, cred("example.com", "alice", "")); err != nil || c.Password != "tok" {
			t.Fatalf("store %d: %+v %v", i, c.Redacted(), err)
		}
	}

	err = s.Erase(ctx, cred("example.com", "alice", "tok"))
	if !errors.Is(err, failed) {
		t.Fatalf("erase error %v, want %v", err, failed)
	}
	for i, m := range []*storetest.Memory{a, b} {
		if _, err := m.Get(ctx, cred("example.com", "alice", "")); !errors.Is(err, credential.ErrNotFound) {
			t.Fatalf("store %d still has the entry: %v", i, err)
		}
	}
}

// git approves the env token after a success; it must not end up in the
// writable stores of "env,keychain".
func TestChainDoesNotCopyEnvTokens(t *testing.T) {
	ctx := context.Background()
	m := &storetest.Memory{}
	s := Chain(Resolving(&EnvStore{Getenv: envOf(map[string]string{"GITHUB_TOKEN": "ci-token"})}, Options{}), Resolving(m, Options{}))
	var out bytes.Buffer
	if err := credential.Serve(ctx, "get", s, strings.NewReader("protocol=https\nhost=github.com\n"), &out); err != nil {
		t.Fatal(err)
	}
	if want := "username=x-access-token\npassword=ci-token\n"; out.String() != want {
		t.Fatalf("get: %q", out.String())
	}
	approve := "protocol=https\nhost=github.com\nusername=x-access-token\npassword=ci-token\n"
	if err := credential.Serve(ctx, "store", s, strings.NewReader(approve), nil); err != nil {
		t.Fatal(err)
	}
	if m.Writes != 0 {
		t.Fatalf("the env token was written to the next store (%d writes)", m.Writes)
	}
}

func TestOpenList(t *testing.T) {
	file := filepath.Join(t.TempDir(), "credentials")
	for _, name := range []string{"env,file", "env, file", "file,env,keychain"} {
		if _, err := Open(name, Options{File: file}); err != nil {
			t.Errorf("Open(%q): %v", name, err)
		}
	}
	for _, tc := range []struct{ name, want string }{
		{"env,bogus", `unknown store "bogus": choose one of ` + strings.Join(Names(), ", ")},
		{"bogus", `unknown store "bogus": choose one of`},
		{"env,,file", "has an empty name"},
		{"env,", "has an empty name"},
		{"file,env,file", `names "file" twice`},
	} {
		_, err := Open(tc.name, Options{File: file})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q): %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestChainList(t *testing.T) {
	ctx := context.Background()
	a, b := &storetest.Memory{}, &storetest.Memory{}
	if err := a.Store(ctx, cred("a.example", "u", "pa")); err != nil {
		t.Fatal(err)
	}
	if err := b.Store(ctx, cred("b.example", "u", "pb")); err != nil {
		t.Fatal(err)
	}
	l, ok := Chain(&EnvStore{}, a, b).(credential.Lister)
	if !ok {
		t.Fatal("chain with listing stores does not list")
	}
	es, err := l.List(ctx)
	if err != nil || len(es) != 2 || es[0].Host != "a.example" || es[1].Host != "b.example" {
		t.Fatalf("list: %d entries, %v", len(es), err)
	}
	if _, ok := Chain(&EnvStore{}, brokenStore{}).(credential.Lister); ok {
		t.Fatal("chain of non-listing stores lists")
	}
}

func TestAs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "credentials")
	s, err := Open("env,file", Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := As[*FileStore](s); !ok || f.Path != file {
		t.Fatalf("As[*FileStore] = %v, %v", f, ok)
	}
	if _, ok := As[*EnvStore](s); !ok {
		t.Fatal("As[*EnvStore] found nothing")
	}
	if _, ok := As[*KeychainStore](s); ok {
		t.Fatal("As[*KeychainStore] found a keychain that is not there")
	}
	s, err = Open("file", Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := As[*FileStore](s); !ok || f.Path != file {
		t.Fatalf("single store: As[*FileStore] = %v, %v", f, ok)
	}
}
