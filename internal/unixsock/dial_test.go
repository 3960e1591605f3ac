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
	"strconv"
	"syscall"
	"testing"
	"time"
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

func TestDialRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, path string }{
		{"file", filepath.Join(t.TempDir(), "s")},
		{"abstract", "@git-credential-pat-test-" + strconv.Itoa(os.Getpid())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			echoServer(t, tc.path)
			c, err := Dial(context.Background(), tc.path)
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
		})
	}
}

// A server that accepts but never answers must not hang the client: the
// deadline ends the read.
func TestDialDeadline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := Dial(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a silent server: %v, want a deadline error", err)
	}
}

func TestDialNothingListens(t *testing.T) {
	dir := t.TempDir()
	if _, err := Dial(context.Background(), filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
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
	if _, err := Dial(context.Background(), stale); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("stale socket: %v, want ECONNREFUSED", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Dial(ctx, stale); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: %v, want context.Canceled", err)
	}
}

// A listener whose backlog is full (a frozen server) makes Dial wait for
// its context, not forever.
func TestDialFullBacklogTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	var conns []Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 16; i++ { // backlog 0 still admits one or two
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		c, err := Dial(ctx, path)
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
}
