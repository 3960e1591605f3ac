//go:build linux

package dbus

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/keyringtest"
)

const (
	busName  = "org.freedesktop.DBus"
	busPath  = ObjectPath("/org/freedesktop/DBus")
	busIface = "org.freedesktop.DBus"
)

// shortTempDir is a temporary directory with a path short enough for a
// unix socket (t.TempDir's can pass the 108-byte limit).
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dbustest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// startBus runs a real session bus (dbus-daemon --session) listening on
// listen, and returns the address it prints. It is killed, by pid, when
// the test ends.
func startBus(t *testing.T, listen string) string {
	t.Helper()
	daemon := keyringtest.NeedTool(t, "dbus-daemon")
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address", "--address="+listen)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = io.Discard // it complains it cannot raise its fd limit
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return strings.TrimSpace(line)
}

func dialT(t *testing.T, addr string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatalf("Dial(%q): %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// callT calls the bus itself and stores the reply into out.
func callT(t *testing.T, c *Conn, member string, args []any, out ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	body, err := c.Call(ctx, busName, busPath, busIface, member, args...)
	if err != nil {
		t.Fatalf("%s: %v", member, err)
	}
	if err := Store(body, out...); err != nil {
		t.Fatalf("%s: %v", member, err)
	}
}

func TestRealBus(t *testing.T) {
	dir := shortTempDir(t)
	for _, tc := range []struct {
		name   string
		listen string
		dial   func(printed string) string
	}{
		{"unix:path", "unix:path=" + filepath.Join(dir, "bus"), func(a string) string { return a }},
		{"unix:abstract", "unix:abstract=" + filepath.Join(dir, "abstract"), func(a string) string { return a }},
		{"alternatives tried in order", "unix:path=" + filepath.Join(dir, "bus2"),
			func(a string) string {
				return "tcp:host=127.0.0.1,port=1;unix:path=" + filepath.Join(dir, "none") + ";" + a
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialT(t, tc.dial(startBus(t, tc.listen)))
			if !strings.HasPrefix(c.UniqueName(), ":") {
				t.Fatalf("unique name %q", c.UniqueName())
			}

			var id string
			callT(t, c, "GetId", nil, &id)
			if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
				t.Fatalf("GetId = %q", id)
			}
			var names []string
			callT(t, c, "ListNames", nil, &names)
			if !slices.Contains(names, busName) || !slices.Contains(names, c.UniqueName()) {
				t.Fatalf("ListNames = %q, missing the bus or %s", names, c.UniqueName())
			}
			var uid uint32
			callT(t, c, "GetConnectionUnixUser", []any{c.UniqueName()}, &uid)
			if int(uid) != os.Getuid() {
				t.Fatalf("the bus sees uid %d, we are %d", uid, os.Getuid())
			}

			// Error replies carry their name and message; the connection
			// stays usable after them.
			ctx := context.Background()
			_, err := c.Call(ctx, busName, busPath, busIface, "NoSuchMethod", "arg")
			var de *Error
			if !errors.As(err, &de) || de.Name != "org.freedesktop.DBus.Error.UnknownMethod" || !strings.Contains(de.Message, "NoSuchMethod") {
				t.Fatalf("unknown method: %v, want an UnknownMethod error naming it", err)
			}
			_, err = c.Call(ctx, "com.example.Nobody", "/", "com.example.Nobody", "M")
			if !errors.As(err, &de) || de.Name != "org.freedesktop.DBus.Error.ServiceUnknown" {
				t.Fatalf("unowned name: %v, want ServiceUnknown", err)
			}
			callT(t, c, "GetId", nil, &id)
		})
	}
}

// TestRealBusSkipsSignals: signals that arrive before a reply are passed
// over, and the reply is matched by its serial.
func TestRealBusSkipsSignals(t *testing.T) {
	addr := startBus(t, "unix:path="+filepath.Join(shortTempDir(t), "bus"))
	watcher, owner := dialT(t, addr), dialT(t, addr)
	callT(t, watcher, "AddMatch", []any{"type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged'"})
	var reply uint32
	for i := range 3 {
		callT(t, owner, "RequestName", []any{fmt.Sprintf("com.example.Test%d", i), uint32(0)}, &reply)
		if reply != 1 { // DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
			t.Fatalf("RequestName = %d", reply)
		}
	}
	// Three NameOwnerChanged signals wait in front of this reply.
	var names []string
	callT(t, watcher, "ListNames", nil, &names)
	if !slices.Contains(names, "com.example.Test2") {
		t.Fatalf("ListNames = %q", names)
	}
}

// TestRealBusDeadline: a call to a peer that never answers ends with
// ctx, deadline or cancellation, and the connection is then unusable.
func TestRealBusDeadline(t *testing.T) {
	addr := startBus(t, "unix:path="+filepath.Join(shortTempDir(t), "bus"))
	c, frozen := dialT(t, addr), dialT(t, addr)
	var reply uint32
	callT(t, frozen, "RequestName", []any{"com.example.Frozen", uint32(0)}, &reply)
	// frozen never reads again: calls to it wait for ever.

	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			// Long enough that it does not end before the call is sent
			// (then the connection is still usable) on a loaded machine.
			return context.WithTimeout(context.Background(), 500*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(500*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialT(t, addr)
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err := c.Call(ctx, "com.example.Frozen", "/", "com.example.Frozen", "Wait")
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			_, err = c.Call(context.Background(), busName, busPath, busIface, "GetId")
			if err == nil || !strings.Contains(err.Error(), "unusable after an earlier failure") {
				t.Fatalf("call after the interrupted one: %v", err)
			}
		})
	}
	// The other connection was not disturbed.
	var id string
	callT(t, c, "GetId", nil, &id)
}

// fakeBus listens on a unix socket and runs serve on the first client.
func fakeBus(t *testing.T, serve func(conn net.Conn, r *bufio.Reader)) string {
	t.Helper()
	path := filepath.Join(shortTempDir(t), "bus")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		serve(conn, bufio.NewReader(conn))
	}()
	return "unix:path=" + EscapeValue(path)
}

// authOK checks the client's EXTERNAL exchange and accepts it.
func authOK(t *testing.T, conn net.Conn, r *bufio.Reader) bool {
	line, err := r.ReadString('\n')
	want := fmt.Sprintf("\x00AUTH EXTERNAL %x\r\n", strconv.Itoa(os.Getuid()))
	if err != nil || line != want {
		t.Errorf("client sent %q, %v; want %q", line, err, want)
		return false
	}
	_, _ = conn.Write([]byte("OK 0123456789abcdef0123456789abcdef\r\n"))
	line, err = r.ReadString('\n')
	if err != nil || line != "BEGIN\r\n" {
		t.Errorf("client sent %q, %v; want BEGIN", line, err)
		return false
	}
	return true
}

// TestBrokenBus: a bus that refuses us, lies about sizes, sends garbage
// or stalls gives an error, never a panic or a hang.
func TestBrokenBus(t *testing.T) {
	helloReply := func(t *testing.T, conn net.Conn, r *bufio.Reader) {
		m, err := readMessage(r)
		if err != nil || m.serial != 1 {
			t.Errorf("Hello: %+v, %v", m, err)
			return
		}
		_, _ = conn.Write(buildMessage(t, typeMethodReturn, 1, []Struct{field(fieldReplySerial, uint32(1))}, ":1.1"))
	}
	for _, tc := range []struct {
		name    string
		serve   func(t *testing.T, conn net.Conn, r *bufio.Reader)
		wantErr string
	}{
		{"rejected", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			_, _ = r.ReadString('\n')
			_, _ = conn.Write([]byte("REJECTED EXTERNAL\r\n"))
		}, `refused EXTERNAL authentication as uid ` + strconv.Itoa(os.Getuid()) + ` (it answered "REJECTED EXTERNAL")`},
		{"hangs up", func(t *testing.T, conn net.Conn, r *bufio.Reader) { _, _ = r.ReadString('\n') }, "EOF"},
		{"endless auth line", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			_, _ = r.ReadString('\n')
			_, _ = conn.Write([]byte("OK " + strings.Repeat("x", 8192)))
		}, "buffer full"},
		{"1 GiB message", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			if authOK(t, conn, r) {
				_, _ = conn.Write(cat([]byte{'l', typeMethodReturn, 0, 1}, le32(1<<30), le32(1), le32(0)))
			}
		}, "over the limit"},
		{"garbage", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			if authOK(t, conn, r) {
				_, _ = conn.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			}
		}, "byte-order mark"},
		{"Hello answered with a number", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			if authOK(t, conn, r) {
				_, _ = readMessage(r)
				_, _ = conn.Write(buildMessage(t, typeMethodReturn, 1, []Struct{field(fieldReplySerial, uint32(1))}, uint32(7)))
			}
		}, "registering with the bus (Hello): dbus: reply value of type uint32 does not fit a *string"},
		{"error reply on several lines", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			if authOK(t, conn, r) {
				helloReply(t, conn, r)
				_, _ = readMessage(r)
				_, _ = conn.Write(buildMessage(t, typeError, 2, []Struct{field(fieldReplySerial, uint32(2)), field(fieldErrorName, "x.Err")}, "line one\nline two\x1b[2J"))
			}
		}, "x.Err: line one line two [2J"},
		{"reply cut short", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			if authOK(t, conn, r) {
				helloReply(t, conn, r)
				_, _ = readMessage(r)
				reply := buildMessage(t, typeMethodReturn, 2, []Struct{field(fieldReplySerial, uint32(2))}, "a long reply")
				_, _ = conn.Write(reply[:len(reply)-3])
			}
		}, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := fakeBus(t, func(conn net.Conn, r *bufio.Reader) { tc.serve(t, conn, r) })
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := Dial(ctx, addr)
			if err == nil {
				defer c.Close()
				_, err = c.Call(ctx, "x.y", "/", "x.y", "M")
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestDialStalledBus: a bus that accepts the connection and then says
// nothing is given up on when ctx ends.
func TestDialStalledBus(t *testing.T) {
	stop := make(chan struct{})
	addr := fakeBus(t, func(net.Conn, *bufio.Reader) { <-stop })
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := Dial(ctx, addr)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the deadline", err)
	}
}

// TestDialNoBus: nothing listening names the socket and keeps the errno.
func TestDialNoBus(t *testing.T) {
	path := filepath.Join(shortTempDir(t), "none")
	_, err := Dial(context.Background(), "unix:path="+path)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one wrapping ErrNotExist and naming %s", err, path)
	}
}
