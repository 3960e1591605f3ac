//go:build linux

package unixsock

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// echoServer listens on path (a file, or "@name" for an abstract socket)
// and echoes one line per connection.
func echoServer(t *testing.T, path string) *net.UnixListener {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln
}

// dialers are the two ways to connect: Dial (through the runtime's
// poller) and DialSync (a blocking socket with kernel timeouts), which
// every test below holds to the same behaviour.
var dialers = []struct {
	name string
	dial func(ctx context.Context, path string) (Conn, error)
}{
	{"Dial", Dial},
	// DialSync's own path is the one for a context that cannot be
	// cancelled: ctx's deadline becomes DialSync's (its fallback to Dial
	// is tested in TestDialSyncBlocking).
	{"DialSync", func(ctx context.Context, path string) (Conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		deadline := time.Now().Add(time.Minute)
		if d, ok := ctx.Deadline(); ok {
			deadline = d
		}
		return DialSync(context.WithoutCancel(ctx), path, deadline)
	}},
}

func TestDialRoundTrip(t *testing.T) {
	for _, d := range dialers {
		for _, tc := range []struct{ name, path string }{
			{"file", filepath.Join(t.TempDir(), "s")},
			{"abstract", "@git-credential-pat-test-" + strconv.Itoa(os.Getpid())},
		} {
			t.Run(d.name+"/"+tc.name, func(t *testing.T) {
				testRoundTrip(t, d.dial, tc.path)
			})
		}
	}
}

func testRoundTrip(t *testing.T, dial func(context.Context, string) (Conn, error), path string) {
	echoServer(t, path)
	c, err := dial(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	peer, err := PeerOf(c.(syscall.Conn))
	if err != nil || !peer.Known || peer.UID != os.Getuid() || peer.PID != os.Getpid() {
		t.Fatalf("PeerOf = %+v, %v; want this process", peer, err)
	}
}

// A server that accepts but never answers must not hang the client: the
// deadline ends the read, and a write once it has passed.
func TestDialDeadline(t *testing.T) {
	for _, d := range dialers {
		t.Run(d.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s")
			ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			c, err := d.dial(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(50 * time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("read from a silent server: %v, want a deadline error", err)
			}
			if _, err := c.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("write after the deadline: %v, want a deadline error", err)
			}
		})
	}
}

func TestDialNothingListens(t *testing.T) {
	for _, d := range dialers {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := d.dial(context.Background(), filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("no socket file: %v, want fs.ErrNotExist", err)
			}
			// A socket file whose server is gone.
			stale := filepath.Join(dir, "stale")
			ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
			if err != nil {
				t.Fatal(err)
			}
			ln.SetUnlinkOnClose(false)
			ln.Close()
			if _, err := d.dial(context.Background(), stale); !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("stale socket: %v, want ECONNREFUSED", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := d.dial(ctx, stale); !errors.Is(err, context.Canceled) {
				t.Errorf("done context: %v, want context.Canceled", err)
			}
		})
	}
}

// frozenListener returns the path of a listener with backlog 0 that never
// accepts (a frozen server), closed when the test ends.
func frozenListener(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	return path
}

// A listener whose backlog is full (a frozen server) makes a dial wait
// for its deadline, not forever.
func TestDialFullBacklogTimesOut(t *testing.T) {
	for _, d := range dialers {
		t.Run(d.name, func(t *testing.T) {
			path := frozenListener(t)
			var conns []Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for i := 0; i < 16; i++ { // backlog 0 still admits one or two
				// 500 ms: a shorter deadline can end before a dial the
				// backlog admits, on a loaded machine.
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				c, err := d.dial(ctx, path)
				cancel()
				if err != nil {
					if !errors.Is(err, syscall.ETIMEDOUT) {
						t.Fatalf("dial to a full backlog: %v, want ETIMEDOUT", err)
					}
					return
				}
				conns = append(conns, c)
			}
			t.Fatal("16 connections to a listener that never accepts all succeeded")
		})
	}
}

// DialSync with a context that cannot be cancelled keeps its socket
// blocking, out of the runtime's poller: what spares git's get a poller
// and a timer. The full backlog above shows its connect still times out.
// With a context that can be cancelled it is Dial, with no deadline for
// the zero time.
func TestDialSyncBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	echoServer(t, path)
	nonblocking := func(c Conn) bool {
		raw, err := c.(syscall.Conn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var flags int
		raw.Control(func(fd uintptr) { flags, _ = unix.FcntlInt(fd, unix.F_GETFL, 0) })
		return flags&unix.O_NONBLOCK != 0
	}
	c, err := DialSync(context.Background(), path, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if nonblocking(c) {
		t.Error("DialSync(context.Background()) made a non-blocking socket")
	}
	// A passed deadline fails the exchange at once (a kernel timeout of 0
	// would mean none).
	c.SetDeadline(time.Now().Add(-time.Second))
	if _, err := c.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("write past the deadline: %v, want a deadline error", err)
	}
	// A context that can be cancelled gets the poller, which cancels.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c2, err := DialSync(ctx, path, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if !nonblocking(c2) {
		t.Error("DialSync with a cancellable context made a blocking socket")
	}
	c3, err := DialSync(ctx, path, time.Time{})
	if err != nil {
		t.Fatalf("DialSync with a cancellable context and no deadline: %v", err)
	}
	c3.Close()
	cancel()
	if _, err := DialSync(ctx, path, time.Now().Add(time.Minute)); !errors.Is(err, context.Canceled) {
		t.Errorf("DialSync with a cancelled context: %v, want context.Canceled", err)
	}
}

// Signals during a blocked connect, read or write (SIGWINCH from a resized
// terminal, SIGCHLD) make the kernel return EINTR, and a retry with the
// same timeout would start it over: the deadline must still end the call.
func TestDialSyncDeadlineSurvivesSignals(t *testing.T) {
	// connected returns a connection whose peer never reads or writes.
	connected := func(t *testing.T) Conn {
		c, err := DialSync(context.Background(), frozenListener(t), time.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(300 * time.Millisecond))
		return c
	}
	for _, tc := range []struct {
		name string
		call func(t *testing.T) func() error
		want error
	}{
		{"connect", func(t *testing.T) func() error {
			path := frozenListener(t)
			var held []Conn // fill the backlog
			t.Cleanup(func() {
				for _, c := range held {
					c.Close()
				}
			})
			for i := 0; i < 16; i++ {
				c, err := DialSync(context.Background(), path, time.Now().Add(100*time.Millisecond))
				if err != nil {
					break
				}
				held = append(held, c)
			}
			return func() error {
				_, err := DialSync(context.Background(), path, time.Now().Add(300*time.Millisecond))
				return err
			}
		}, syscall.ETIMEDOUT},
		{"read", func(t *testing.T) func() error {
			c := connected(t)
			return func() error { _, err := c.Read(make([]byte, 1)); return err }
		}, os.ErrDeadlineExceeded},
		{"write", func(t *testing.T) func() error {
			c := connected(t)
			return func() error { _, err := c.Write(make([]byte, 64<<20)); return err }
		}, os.ErrDeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			call := tc.call(t)
			tid := make(chan int)
			done := make(chan error, 1)
			go func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				tid <- syscall.Gettid()
				done <- call()
			}()
			victim := <-tid
			start := time.Now()
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case err := <-done:
					if !errors.Is(err, tc.want) {
						t.Fatalf("%s: %v, want %v", tc.name, err, tc.want)
					}
					return
				case <-tick.C:
					if time.Since(start) > 5*time.Second {
						t.Fatalf("a %s with a 300ms deadline still waits after 5s of signals", tc.name)
					}
					syscall.Tgkill(os.Getpid(), victim, syscall.SIGURG)
				}
			}
		})
	}
}
