//go:build linux

package backends

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
	"github.com/git-credential-pat/git-credential-pat/internal/dbus"
	"github.com/git-credential-pat/git-credential-pat/internal/keyringtest"
)

// keychainFor starts a private keyring for t and points this process at it.
func keychainFor(t testing.TB, timeout time.Duration) (*keyringtest.Keyring, *KeychainStore) {
	t.Helper()
	kr := keyringtest.Start(t)
	kr.Setenv(t)
	s, err := openKeychain(Options{KeychainTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return kr, s.(*KeychainStore)
}

func TestKeychainConformance(t *testing.T) {
	kr, s := keychainFor(t, 0)
	storetest.Run(t, func(t *testing.T) credential.Store {
		if err := kr.Clear(); err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// secretTool runs libsecret's command-line client against kr.
func secretTool(t *testing.T, kr *keyringtest.Keyring, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, keyringtest.NeedTool(t, "secret-tool"), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + kr.Dir}, kr.Env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("secret-tool %v: %v: %s", args, err, out)
	}
	return string(out)
}

func mustGet(t *testing.T, s credential.Store, q credential.Credential) credential.Credential {
	t.Helper()
	c, err := s.Get(context.Background(), q)
	if err != nil {
		t.Fatalf("Get(%s): %v", q.URL(), err)
	}
	return c
}

func TestKeychainReadsLibsecretItems(t *testing.T) {
	kr, s := keychainFor(t, 0)
	ctx := context.Background()
	expiry := time.Now().Add(time.Hour).Unix()

	// Older git: NetworkPassword schema, the password alone.
	secretTool(t, kr, "old-pw", "store", "--label=x", "xdg:schema", "org.gnome.keyring.NetworkPassword",
		"user", "alice", "protocol", "https", "server", "example.com")
	c := mustGet(t, s, credential.Credential{Protocol: "https", Host: "example.com"})
	if c.Username != "alice" || c.Password != "old-pw" {
		t.Fatalf("NetworkPassword item read as %+v", c.Redacted())
	}

	// Storing the same key replaces libsecret's item rather than adding a twin.
	c.SetPassword("replaced")
	if err := s.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	if out := secretTool(t, kr, "", "search", "--all", "server", "example.com"); strings.Count(out, "label = ") != 1 || !strings.Contains(out, "secret = replaced") {
		t.Fatalf("after Store, items for example.com:\n%s", out)
	}

	// Current git: org.git.Password with extras after the password, a port.
	secretTool(t, kr, "new-pw\npassword_expiry_utc="+strconv.FormatInt(expiry, 10)+"\noauth_refresh_token=rt",
		"store", "--label=Git: https://example.org:8443/", "xdg:schema", "org.git.Password",
		"user", "bob", "protocol", "https", "server", "example.org", "port", "8443", "object", "team/repo.git")
	q := credential.Credential{Protocol: "https", Host: "example.org:8443", Path: "team/repo.git"}
	c = mustGet(t, s, q)
	if c.Username != "bob" || c.Password != "new-pw" || c.PasswordExpiryUTC != expiry || c.OAuthRefreshToken != "rt" {
		t.Fatalf("org.git.Password item read as %+v", c.Redacted())
	}
	if _, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "example.org"}); !errors.Is(err, credential.ErrNotFound) {
		t.Fatalf("an item with a port answered a query without one: %v", err)
	}

	// Erase takes libsecret's items too.
	if err := s.Erase(ctx, q); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, q); !errors.Is(err, credential.ErrNotFound) {
		t.Fatalf("after erase: %v", err)
	}
}

// git-credential-libsecret searches by these attributes: our items must
// answer it, in its secret format.
func TestKeychainItemsReadableByLibsecret(t *testing.T) {
	kr, s := keychainFor(t, 0)
	c := credential.Credential{Protocol: "https", Host: "example.com:8443", Path: "o/r.git", PasswordExpiryUTC: 2000000000}
	c.SetUsername("alice")
	c.SetPassword("pw")
	if err := s.Store(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	got := secretTool(t, kr, "", "lookup", "user", "alice", "protocol", "https", "server", "example.com", "port", "8443", "object", "o/r.git")
	if got != "pw\npassword_expiry_utc=2000000000" {
		t.Fatalf("secret-tool lookup = %q", got)
	}
	if out := secretTool(t, kr, "", "search", "service", "git:https://example.com:8443/o/r.git"); !strings.Contains(out, "label = git:https://alice@example.com:8443/o/r.git") {
		t.Fatalf("item not named for people:\n%s", out)
	}
}

func TestKeychainList(t *testing.T) {
	_, s := keychainFor(t, 0)
	ctx := context.Background()
	for _, u := range []string{"first", "second"} {
		c := credential.Credential{Protocol: "https", Host: "example.com"}
		c.SetUsername(u)
		c.SetPassword("pw-" + u)
		if err := s.Store(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Username != "second" || list[1].Password != "pw-first" {
		t.Fatalf("List = %+v", list)
	}
}

func wantUnavailable(t *testing.T, err error, advice string) {
	t.Helper()
	t.Logf("error: %v", err)
	if !errors.Is(err, ErrKeychainUnavailable) || !strings.Contains(err.Error(), advice) ||
		!strings.Contains(err.Error(), "--store file") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v; want a one-line keychain error advising %q and --store file", err, advice)
	}
}

func TestKeychainFrozenKeyringTimesOut(t *testing.T) {
	kr, s := keychainFor(t, time.Second)
	if err := kr.Freeze(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = kr.Thaw() }()
	for _, op := range []func() error{
		func() error {
			_, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "example.com"})
			return err
		},
		func() error {
			return s.Store(context.Background(), credential.Credential{Protocol: "https", Host: "h", Username: "u", Password: "p", HasUsername: true, HasPassword: true})
		},
	} {
		start := time.Now()
		err := op()
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("took %v with a 1s deadline", d)
		}
		wantUnavailable(t, err, "no answer from the keyring within 1s;")
	}
}

func TestKeychainNoSessionBusFailsFast(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // exists, but holds no bus
	s := &KeychainStore{}
	start := time.Now()
	_, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "example.com"})
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("took %v", d)
	}
	wantUnavailable(t, err, "no D-Bus session bus")
}

// The bus socket in $XDG_RUNTIME_DIR is found without DBUS_SESSION_BUS_ADDRESS.
func TestKeychainFindsRuntimeDirBus(t *testing.T) {
	_, s := keychainFor(t, 0)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if _, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "example.com"}); !errors.Is(err, credential.ErrNotFound) {
		t.Fatalf("Get = %v; want ErrNotFound", err)
	}
}

func TestKeychainLockedKeyring(t *testing.T) {
	kr, s := keychainFor(t, 2*time.Second)
	ctx := context.Background()
	c := credential.Credential{Protocol: "https", Host: "example.com"}
	c.SetUsername("u")
	c.SetPassword("p")
	if err := s.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := kr.Lock(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "example.com"})
	wantUnavailable(t, err, "the keyring is locked: unlock it")
	wantUnavailable(t, s.Store(ctx, c), "the keyring is locked: unlock it")
	wantUnavailable(t, s.Erase(ctx, c), "the keyring is locked: unlock it")

	if err := kr.Unlock(); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, c); got.Password != "p" {
		t.Fatalf("after unlock: %+v", got.Redacted())
	}
}

func TestKeychainNoSecretService(t *testing.T) {
	kr, s := keychainFor(t, 2*time.Second)
	q := credential.Credential{Protocol: "https", Host: "example.com"}
	kr.StopKeyring()
	_, err := s.Get(context.Background(), q)
	wantUnavailable(t, err, "no Secret Service on the session bus")
	kr.Stop() // the bus too: its socket is gone
	_, err = s.Get(context.Background(), q)
	wantUnavailable(t, err, "cannot connect to the D-Bus session bus")
}

func BenchmarkKeychainRoundTrip(b *testing.B) {
	_, s := keychainFor(b, 0)
	ctx := context.Background()
	c := credential.Credential{Protocol: "https", Host: "bench.example.com"}
	c.SetUsername("u")
	q := credential.Credential{Protocol: "https", Host: "bench.example.com"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.SetPassword("pw-" + strconv.Itoa(i)) // a new password, so Store really writes
		if err := s.Store(ctx, c); err != nil {
			b.Fatal(err)
		}
		if got, err := s.Get(ctx, q); err != nil || got.Password != c.Password {
			b.Fatalf("Get = %+v, %v", got.Redacted(), err)
		}
	}
}

// The keychain runs the conformance suite from TestEveryStoreConforms too,
// against a private keyring.
func init() {
	storeOpeners["keychain"] = func(t *testing.T) credential.Store {
		_, s := keychainFor(t, 0)
		return s
	}
}

// notReadyService is a Secret Service whose SearchItems fails the first
// time, as gnome-keyring's does when a new connection's first call runs
// before the service registered the caller.
type notReadyService struct{ searches int }

func (f *notReadyService) SearchItems(map[string]string) ([]godbus.ObjectPath, []godbus.ObjectPath, *godbus.Error) {
	f.searches++
	if f.searches == 1 {
		return nil, nil, &godbus.Error{Name: "org.freedesktop.DBus.Error.UnknownMethod",
			Body: []any{"Method SearchItems is not implemented on interface org.freedesktop.Secret.Service"}}
	}
	return []godbus.ObjectPath{}, []godbus.ObjectPath{}, nil
}

// A Secret Service that has not registered a new connection yet answers
// its first call "not implemented" (gnome-keyring, now and then): the call
// is made again, and a get finds nothing instead of failing.
func TestKeychainRetriesCallerNotYetRegistered(t *testing.T) {
	kr, s := keychainFor(t, 5*time.Second)
	fake := &notReadyService{}
	fakeSecretService(t, kr, fake, map[godbus.ObjectPath]string{
		"/org/freedesktop/secrets": "org.freedesktop.Secret.Service",
	})
	_, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "example.com"})
	if !errors.Is(err, credential.ErrNotFound) {
		t.Fatalf("get = %v, want not found after one retry", err)
	}
	if fake.searches < 2 {
		t.Errorf("SearchItems called %d times, want the failed call made again", fake.searches)
	}
}

// aliasService is a Secret Service whose ReadAlias answers "no collection"
// ("/") to its first noneFor calls, as gnome-keyring does to a connection
// it has not registered yet, and whose collection is unlocked.
type aliasService struct {
	noneFor, reads int
}

const loginCollection = "/org/freedesktop/secrets/collection/login"

func (f *aliasService) ReadAlias(string) (godbus.ObjectPath, *godbus.Error) {
	f.reads++
	if f.reads <= f.noneFor {
		return "/", nil
	}
	return loginCollection, nil
}

func (f *aliasService) Get(iface, prop string) (godbus.Variant, *godbus.Error) {
	return godbus.MakeVariant(false), nil // Locked
}

// fakeSecretService replaces kr's keyring with svc on kr's bus.
func fakeSecretService(t *testing.T, kr *keyringtest.Keyring, svc any, exports map[godbus.ObjectPath]string) {
	t.Helper()
	kr.StopKeyring()
	conn, err := godbus.Connect(kr.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for path, iface := range exports {
		if err := conn.Export(svc, path, iface); err != nil {
			t.Fatal(err)
		}
	}
	if reply, err := conn.RequestName("org.freedesktop.secrets", godbus.NameFlagDoNotQueue); err != nil || reply != godbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName = %v, %v", reply, err)
	}
}

// A new connection's first ReadAlias can find no default keyring because
// gnome-keyring has not registered the caller yet (seen under load: a
// store failed "no default keyring" and git dropped the token). It is
// asked once more; a keyring that really has no default still says so.
func TestKeychainDefaultCollectionOfANewCaller(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noneFor   int
		want      string // error text, or "" for the login collection
		wantReads int
	}{
		{"first answer is from before the caller was registered", 1, "", 2},
		{"no default keyring", 1000, "has no default keyring", 2},
		{"a default keyring at once", 0, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kr, s := keychainFor(t, 5*time.Second)
			fake := &aliasService{noneFor: tc.noneFor}
			fakeSecretService(t, kr, fake, map[godbus.ObjectPath]string{
				"/org/freedesktop/secrets": "org.freedesktop.Secret.Service",
				loginCollection:            "org.freedesktop.DBus.Properties",
			})
			var coll dbus.ObjectPath
			err := s.with(context.Background(), "store", func(c *ssClient) (err error) {
				coll, err = c.defaultCollection()
				return err
			})
			switch {
			case tc.want == "" && (err != nil || coll != loginCollection):
				t.Errorf("defaultCollection = %q, %v; want %s", coll, err, loginCollection)
			case tc.want != "":
				wantUnavailable(t, err, tc.want)
			}
			if fake.reads != tc.wantReads {
				t.Errorf("ReadAlias called %d times, want %d", fake.reads, tc.wantReads)
			}
		})
	}
}
