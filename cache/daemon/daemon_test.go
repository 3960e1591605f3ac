//go:build unix

package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

func TestClientConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) credential.Store { return mustOpen(t, testOptions(t)) })
}

func TestLayerMemoryConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) credential.Store { return cache.Layer(&storetest.Memory{}, testOptions(t), "") })
}

// Every persistent attribute survives the trip through the daemon,
// including bytes that are not UTF-8.
func TestRoundTrip(t *testing.T) {
	full := credential.Credential{
		Protocol: "https", Host: "example.com:8443", Path: "org/repo.git",
		PasswordExpiryUTC: time.Now().Add(time.Hour).Unix(),
		OAuthRefreshToken: "refresh-xyz", AuthType: "Bearer", Credential: "tok-123",
	}
	full.SetUsername("a b=c%d@e:f")
	full.SetPassword("p w=%@:/?#ü€ \xff\xfe ok")
	empty := credential.Credential{Protocol: "https", Host: "sso.tld"}
	empty.SetUsername("")
	empty.SetPassword("")
	tokenOnly := credential.Credential{Protocol: "https", Host: "bearer.tld", AuthType: "Bearer", Credential: "tok"}

	for _, tc := range []struct {
		name string
		c    credential.Credential
	}{{"every attribute", full}, {"empty username and password", empty}, {"authtype only", tokenOnly}} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustOpen(t, testOptions(t))
			ctx := ctxT(t)
			if err := c.Store(ctx, tc.c); err != nil {
				t.Fatal(err)
			}
			q := credential.Credential{Protocol: tc.c.Protocol, Host: tc.c.Host, Path: tc.c.Path, Capabilities: []string{credential.CapAuthType}}
			got, err := c.Get(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.c.Persistent()) {
				t.Errorf("got  %+v\nwant %+v", got, tc.c.Persistent())
			}
			list, err := c.List(ctx)
			if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], tc.c.Persistent()) {
				t.Errorf("list = %+v, %v", list, err)
			}
		})
	}
}

// An entry is forgotten at its timeout or its password expiry, whichever
// is first, and the daemon wakes up for it: with nothing left it exits
// after its grace period.
func TestExpiryInDaemon(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		expiry  time.Duration // password_expiry_utc this far ahead of the store, 0 for none
	}{
		// Seconds, not one: Status must still see the entry after a store
		// on a loaded machine (the case runs beside the 5 s one).
		{"timeout", 3 * time.Second, 0},
		{"password expiry before timeout", time.Hour, 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := testOptions(t, "--grace", "100ms")
			o.Timeout = tc.timeout
			c := mustOpen(t, o)
			in := cred("exp.tld", "pw")
			// Counted from just before the store, with seconds to spare: on
			// a loaded machine starting the daemon can take a while, and an
			// expiry that passed before the store would make it a no-op.
			var expiry time.Time
			if tc.expiry != 0 {
				expiry = time.Now().Add(tc.expiry).Truncate(time.Second)
				in.PasswordExpiryUTC = expiry.Unix()
			}
			if err := c.Store(ctxT(t), in); err != nil {
				t.Fatal(err)
			}
			st, err := cache.Status(o)
			if err != nil || st.Entries != 1 {
				t.Fatalf("status = %+v, %v; want 1 entry", st, err)
			}
			if !expiry.IsZero() && !st.NextExpiry.Equal(expiry) {
				t.Errorf("next expiry %v, want the password's %v", st.NextExpiry, expiry)
			}
			time.Sleep(time.Until(st.NextExpiry) + time.Second)
			if got := mustGet(t, c, "exp.tld"); got != "" {
				t.Errorf("get after expiry = %q, want nothing", got)
			}
			if err := waitNoDaemon(o.Socket, 20*time.Second); err != nil {
				t.Errorf("daemon did not exit once empty: %v", err)
			}
		})
	}
}

// A daemon killed without cleanup leaves its socket file; clients cope.
func TestDaemonKilled(t *testing.T) {
	o := testOptions(t)
	c := mustOpen(t, o)
	if err := c.Store(ctxT(t), cred("a.tld", "pa")); err != nil {
		t.Fatal(err)
	}
	before, err := cache.Status(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(before.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := waitNoDaemon(o.Socket, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(o.Socket); err != nil {
		t.Fatalf("the killed daemon's socket file should remain: %v", err)
	}
	if got := mustGet(t, c, "a.tld"); got != "" {
		t.Errorf("get from a dead daemon = %q", got)
	}
	if err := c.Store(ctxT(t), cred("b.tld", "pb")); err != nil {
		t.Fatalf("store after a crash: %v", err)
	}
	after, err := cache.Status(o)
	if err != nil || !after.Running || after.PID == before.PID {
		t.Fatalf("status after restart = %+v, %v; want a new daemon", after, err)
	}
	if got := mustGet(t, c, "b.tld"); got != "pb" {
		t.Errorf("get from the new daemon = %q, want pb", got)
	}
}

func TestConcurrentClients(t *testing.T) {
	o := testOptions(t)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			host := fmt.Sprintf("h%d.tld", i)
			c := mustOpen(t, o)
			if err := c.Store(ctxT(t), cred(host, "pw-"+host)); err != nil {
				t.Errorf("store %s: %v", host, err)
				return
			}
			if got := mustGet(t, c, host); got != "pw-"+host {
				t.Errorf("get %s = %q", host, got)
			}
		}()
	}
	wg.Wait()
	if pids := daemonPIDs(o.Socket); len(pids) != 1 {
		t.Errorf("daemons %v, want exactly one", pids)
	}
}

// One daemon keeps each entry for the timeout of the client that stored it.
func TestPerClientTimeout(t *testing.T) {
	t.Parallel()
	short := testOptions(t)
	short.Timeout = time.Second
	long := short
	long.Timeout = time.Hour
	for _, c := range []struct {
		o    cache.Options
		host string
	}{{short, "short.tld"}, {long, "long.tld"}} {
		if err := mustOpen(t, c.o).Store(ctxT(t), cred(c.host, "pw")); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2 * time.Second)
	c := mustOpen(t, short)
	if got := mustGet(t, c, "short.tld"); got != "" {
		t.Errorf("entry stored with a 1s timeout is still there after 2s")
	}
	if got := mustGet(t, c, "long.tld"); got != "pw" {
		t.Errorf("entry stored with a 1h timeout is gone after 2s")
	}
}

// A store that reaches a daemon on its way out is not lost: the client
// starts a new daemon, which waits for the old one to let go of the socket.
func TestStoreWhileDaemonExits(t *testing.T) {
	o := testOptions(t)
	old, err := listen(o.Socket, defaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	served := make(chan error)
	go func() { served <- old.serve(ctx) }()

	// What close does, held open at its midpoint: locked, closing, still listening.
	unlock, err := lockFile(o.Socket + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	old.mu.Lock()
	old.closing = true
	old.mu.Unlock()
	stored := make(chan error)
	go func() { stored <- mustOpen(t, o).Store(ctxT(t), cred("a.tld", "pa")) }()
	time.Sleep(200 * time.Millisecond) // let the store meet the closing daemon; not an assertion
	os.Remove(o.Socket)
	old.ln.Close()
	unlock()

	if err := <-stored; err != nil {
		t.Fatalf("store while the daemon exits: %v", err)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("old daemon: %v", err)
	}
	if got := mustGet(t, mustOpen(t, o), "a.tld"); got != "pa" {
		t.Errorf("get = %q, want pa from the new daemon (the old one must not remove its socket)", got)
	}
	if st, err := cache.Status(o); err != nil || st.PID == os.Getpid() {
		t.Errorf("status = %+v, %v; want a new daemon process", st, err)
	}
}

// Clients that find no daemon at the same moment each start one; one
// daemon remains and holds every entry.
func TestRaceToStart(t *testing.T) {
	tests := []struct {
		name  string
		store func(o cache.Options, host string) error
	}{
		{"two client processes", func(o cache.Options, host string) error {
			out, err := exec.Command(os.Args[0], "cache-client", o.Socket, "store", host).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%v: %s", err, out)
			}
			return nil
		}},
		{"two daemons started at once", func(o cache.Options, host string) error {
			// Past the client's in-process lock, straight to the daemons'.
			if err := spawnDaemon(o); err != nil {
				return err
			}
			c, err := cache.Open(o)
			if err != nil {
				return err
			}
			return c.Store(ctxT(t), cred(host, "pw-"+host))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(t)
			hosts := []string{"one.tld", "two.tld"}
			var wg sync.WaitGroup
			for _, h := range hosts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := tc.store(o, h); err != nil {
						t.Errorf("store %s: %v", h, err)
					}
				}()
			}
			wg.Wait()
			c := mustOpen(t, o)
			for _, h := range hosts {
				if got := mustGet(t, c, h); got != "pw-"+h {
					t.Errorf("get %s = %q, want pw-%s", h, got, h)
				}
			}
			// A daemon that lost the race exits right after reporting.
			err := waitFor(10*time.Second, func() bool { return len(daemonPIDs(o.Socket)) <= 1 },
				func() error { return fmt.Errorf("daemons %v", daemonPIDs(o.Socket)) })
			if err != nil || len(daemonPIDs(o.Socket)) != 1 {
				t.Errorf("want exactly one daemon: %v %v", daemonPIDs(o.Socket), err)
			}
		})
	}
}

func TestSocketDirectory(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string) error // dir is the socket's directory
		wantErr string
	}{
		{"missing is created", func(dir string) error { return nil }, ""},
		{"0700 is used", func(dir string) error { return os.Mkdir(dir, 0o700) }, ""},
		{"0755 is refused", func(dir string) error { return os.Mkdir(dir, 0o755) },
			"the permissions on your socket directory are too loose"},
		{"0750 is refused", func(dir string) error { return os.Mkdir(dir, 0o750) }, "run: chmod 700 "},
		{"world-writable is refused", func(dir string) error {
			if err := os.Mkdir(dir, 0o700); err != nil {
				return err
			}
			return os.Chmod(dir, 0o777)
		}, "too loose"},
		{"a symlink to a private directory is refused", func(dir string) error {
			real := dir + "-real"
			if err := os.Mkdir(real, 0o700); err != nil {
				return err
			}
			return os.Symlink(real, dir)
		}, "is a symlink"},
		{"a file in the socket's place is left alone", func(dir string) error {
			if err := os.Mkdir(dir, 0o700); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "socket"), []byte("keep me"), 0o600)
		}, "exists and is not a socket"},
		{"another user's is refused", func(dir string) error {
			if os.Geteuid() != 0 {
				return errSkip
			}
			if err := os.Mkdir(dir, 0o700); err != nil {
				return err
			}
			return os.Chown(dir, 65534, 65534)
		}, "is not owned by you"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(t)
			dir := filepath.Join(filepath.Dir(o.Socket), "sub")
			o.Socket = filepath.Join(dir, "socket")
			if err := tc.prepare(dir); errors.Is(err, errSkip) {
				testenv.Root(t, "this case")
			} else if err != nil {
				t.Fatal(err)
			}
			err := mustOpen(t, o).Store(ctxT(t), cred("a.tld", "pa"))
			defer stopDaemon(t, o)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				fi, err := os.Stat(dir)
				if err != nil || fi.Mode().Perm() != 0o700 {
					t.Errorf("socket directory %v, %v; want mode 0700", fi.Mode(), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("store: %v; want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

var errSkip = errors.New("skip")

// A client running as another user is refused by the daemon itself, even
// when the directory lets it reach the socket.
func TestOtherUserRefused(t *testing.T) {
	testenv.Root(t, "running a client as another user (uid 65534)")
	setpriv := testenv.Tool(t, "setpriv", "util-linux")
	o := testOptions(t)
	if err := mustOpen(t, o).Store(ctxT(t), cred("victim.tld", "secret-pw")); err != nil {
		t.Fatal(err)
	}
	// The daemon checked its directory when it started; loosen it now so
	// only the peer check stands between uid 65534 and the entry.
	if err := os.Chmod(filepath.Dir(o.Socket), 0o711); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(o.Socket, 0o666); err != nil {
		t.Fatal(err)
	}
	// uid 65534 cannot read the test binary in go's 0700 build directory.
	binDir, err := os.MkdirTemp("", "gcp-bin")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(binDir)
	bin := filepath.Join(binDir, "cache.test")
	if err := copyFile(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The client refuses a directory it does not own; with that check
	// skipped ("raw"), the daemon's SO_PEERCRED check refuses on its own.
	for _, tc := range []struct{ action, mode, want string }{
		{"get", "raw", "refused: client uid 65534"},
		{"store", "raw", "refused: client uid 65534"},
		{"get", "normal", "is not owned by you"},
		{"store", "normal", "is not owned by you"},
	} {
		t.Run(tc.action+" "+tc.mode, func(t *testing.T) {
			cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "cache-client", o.Socket, tc.action, "victim.tld", tc.mode)
			cmd.Dir = binDir
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), tc.want) {
				t.Errorf("client as uid 65534: %v\n%s\nwant it refused (%q)", err, out, tc.want)
			}
			if strings.Contains(string(out), "secret-pw") {
				t.Errorf("uid 65534 saw the password:\n%s", out)
			}
		})
	}
	if err := os.Chmod(filepath.Dir(o.Socket), 0o700); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, mustOpen(t, o), "victim.tld"); got != "secret-pw" {
		t.Errorf("owner's entry = %q after the refused clients, want secret-pw", got)
	}
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

// A client that connects and sends nothing holds up no one, and the
// daemon drops it after its deadline.
func TestSilentClient(t *testing.T) {
	o := testOptions(t, "--io-timeout", "300ms")
	c := mustOpen(t, o)
	if err := c.Store(ctxT(t), cred("a.tld", "pa")); err != nil {
		t.Fatal(err)
	}
	silent, err := net.Dial("unix", o.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if got := mustGet(t, c, "a.tld"); got != "pa" {
		t.Errorf("get while another client is silent = %q, want pa", got)
	}
	silent.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := silent.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("silent connection: %v, want the daemon to close it", err)
	}
}

// A client can hold the daemon two ways besides saying nothing: stop
// halfway through its request, or never read a reply too large for the
// socket's buffer. Either way the daemon gives up after its io-timeout
// and closes the connection.
func TestClientThatStopsMidway(t *testing.T) {
	o := testOptions(t, "--io-timeout", "1s")
	c := mustOpen(t, o)
	// A list reply at least twice the socket's send buffer (about 208 KiB
	// on Linux unless raised, 8 KiB on macOS), so the daemon must wait.
	big := strings.Repeat("p", 60_000)
	entries := 64
	if b, err := os.ReadFile("/proc/sys/net/core/wmem_default"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			entries = max(entries, 2*n/len(big)+1)
		}
	}
	for i := range entries {
		if err := c.Store(ctxT(t), cred(fmt.Sprintf("h%d.tld", i), big)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, request string
		wait          time.Duration // before reading the reply
	}{
		{"request cut short", `{"action":"get"`, 0},
		{"reply never read", `{"action":"list"}`, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("unix", o.Socket)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Write([]byte(tc.request)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(tc.wait)
			conn.SetReadDeadline(time.Now().Add(20 * time.Second)) // catches a daemon that waits forever
			reply, err := io.ReadAll(conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the daemon still holds the connection 20 s after a %s (io-timeout 1s)", tc.name)
			}
			if bytes.HasSuffix(reply, []byte("}\n")) {
				t.Errorf("the daemon sent its whole reply (%d bytes) after a %s: it waited without a deadline", len(reply), tc.name)
			}
		})
	}
	if got := mustGet(t, c, "h0.tld"); got != big {
		t.Errorf("after the stalled clients: get = %d bytes, want %d", len(got), len(big))
	}
}

// Silent clients beyond the daemon's workers hold up no one either, even
// with a deadline far longer than the test.
func TestSilentClientsBeyondWorkers(t *testing.T) {
	o := testOptions(t, "--io-timeout", "1h")
	c := mustOpen(t, o)
	if err := c.Store(ctxT(t), cred("a.tld", "pa")); err != nil {
		t.Fatal(err)
	}
	for range 2*workers + 1 {
		silent, err := net.Dial("unix", o.Socket)
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()                    // before the cleanup's exit, which waits for them
		silent.Write([]byte(`{"action":"get"`)) // a request begun, never finished
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // catches a hang, measures nothing
	defer cancel()
	found, err := c.Get(ctx, cred("a.tld", ""))
	if err != nil || found.Password != "pa" {
		t.Errorf("get while %d clients are silent = %q, %v; want pa", 2*workers+1, found.Password, err)
	}
}

func TestStatusClearExit(t *testing.T) {
	o := testOptions(t)
	if st, err := cache.Status(o); err != nil || st.Running {
		t.Fatalf("status with no daemon = %+v, %v", st, err)
	}
	if err := cache.Clear(o); err != nil {
		t.Errorf("clear with no daemon: %v", err)
	}
	if err := cache.Exit(o); err != nil {
		t.Errorf("exit with no daemon: %v", err)
	}
	c := mustOpen(t, o)
	if err := c.Erase(ctxT(t), cred("a.tld", "")); err != nil {
		t.Errorf("erase with no daemon: %v", err)
	}
	if _, err := os.Stat(o.Socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("get, erase, status, clear and exit must not start a daemon: %v", err)
	}
	for _, h := range []string{"a.tld", "b.tld"} {
		if err := c.Store(ctxT(t), cred(h, "pw")); err != nil {
			t.Fatal(err)
		}
	}
	st, err := cache.Status(o)
	if err != nil || !st.Running || st.Entries != 2 || st.PID <= 0 || st.NextExpiry.IsZero() || st.RSS <= 0 {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", st.PID)); err == nil &&
		!regexp.MustCompile(`(?m)^Max core file size\s+0\s+0\s`).Match(limits) {
		t.Errorf("daemon may dump core:\n%s", limits)
	}
	syscall.Kill(st.PID, syscall.SIGHUP) // a closing terminal must not stop it
	if again, err := cache.Status(o); err != nil || again.PID != st.PID || again.Entries != 2 {
		t.Errorf("status after SIGHUP = %+v, %v; want the same daemon", again, err)
	}
	if err := cache.Clear(o); err != nil {
		t.Fatal(err)
	}
	if st, err := cache.Status(o); err != nil || st.Entries != 0 {
		t.Errorf("status after clear = %+v, %v", st, err)
	}
	if err := cache.Exit(o); err != nil {
		t.Fatal(err)
	}
	if err := waitNoDaemon(o.Socket, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(o.Socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("exit left the socket file: %v", err)
	}
}

// BenchmarkDaemonGet is one get through a real socket from a daemon
// holding 10 or 10,000 entries: as git's get makes it (a context that
// cannot be cancelled: a blocking socket, see unixsock.DialSync) and with
// a cancellable context (the runtime's poller).
func BenchmarkDaemonGet(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		o := testOptions(b)
		c := mustOpen(b, o)
		ctx := ctxT(b)
		for i := range n {
			if err := c.Store(ctx, cred(fmt.Sprintf("h%d.example.com", i), fmt.Sprintf("pw-%d", i))); err != nil {
				b.Fatal(err)
			}
		}
		st, err := cache.Status(o)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("daemon with %d entries: RSS %.1f MiB", st.Entries, float64(st.RSS)/(1<<20))
		for _, ctx := range []struct {
			name string
			ctx  context.Context
		}{{"git", context.Background()}, {"cancellable", ctx}} {
			b.Run(fmt.Sprintf("%s/%d", ctx.name, n), func(b *testing.B) {
				q := cred(fmt.Sprintf("h%d.example.com", n/2), "")
				for range b.N {
					if _, err := c.Get(ctx.ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDaemonRoundTrip is what git's credential-cache client does
// per request, without our client's checks around it: connect, send one
// get, read the reply, close.
func BenchmarkDaemonRoundTrip(b *testing.B) {
	o := testOptions(b)
	if err := mustOpen(b, o).Store(ctxT(b), cred("h.example.com", "pw")); err != nil {
		b.Fatal(err)
	}
	q, err := wire.EncodeCred(cred("h.example.com", ""))
	if err != nil {
		b.Fatal(err)
	}
	req := wire.AppendRequest(nil, wire.Request{Action: wire.ActGet, Cred: q})
	buf := make([]byte, 4096)
	for b.Loop() {
		conn, err := net.Dial("unix", o.Socket)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Write(req); err != nil {
			b.Fatal(err)
		}
		n, err := io.ReadAtLeast(conn, buf, 1)
		if err != nil || !bytes.HasPrefix(buf[:n], []byte(`{"status":"ok"`)) {
			b.Fatalf("reply %q, %v", buf[:n], err)
		}
		conn.Close()
	}
}

// A whole JSON value that is not a request gets an error reply that says
// so; before, the daemon closed the connection and the client could only
// report that it had. A request cut short still gets nothing (see
// TestSilentClientsBeyondWorkers): its client is not waiting.
func TestMalformedRequestGetsAnError(t *testing.T) {
	o := testOptions(t)
	if err := mustOpen(t, o).Store(ctxT(t), cred("a.tld", "tok-secret-7")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"null", `null`, "malformed request"},
		{"an array", `[]`, "malformed request"},
		{"a string", `"get"`, "malformed request"},
		{"action not a string", `{"action":5}`, "malformed request: action"},
		{"a member twice", `{"action":"get","action":"get"}`, "malformed request"},
		{"unknown action", `{"action":"nope"}`, `unknown action \"nope\"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("unix", o.Socket)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(20 * time.Second)) // catches a hang, measures nothing
			if _, err := conn.Write([]byte(tc.body + "\n")); err != nil {
				t.Fatal(err)
			}
			reply, err := io.ReadAll(conn)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(reply, []byte(`{"status":"error"`)) || !bytes.Contains(reply, []byte(tc.want)) {
				t.Errorf("reply to %s: %q, want an error reply containing %q", tc.body, reply, tc.want)
			}
			if bytes.Contains(reply, []byte("tok-secret-7")) {
				t.Errorf("reply to %s shows a stored password: %q", tc.body, reply)
			}
		})
	}
	if got := mustGet(t, mustOpen(t, o), "a.tld"); got != "tok-secret-7" {
		t.Errorf("after the malformed requests: get = %q, want tok-secret-7", got)
	}
}
