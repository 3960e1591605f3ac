package unixserve

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// listenDirectTemp is listenTemp for a DirectListener.
func listenDirectTemp(t *testing.T) (*DirectListener, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "gcp-direct")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	ln, err := ListenDirect(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, path
}

// readLine reads up to and including the first newline, one Read at a
// time, as the daemon's request reader does.
func readLine(c io.Reader) (string, error) {
	var b []byte
	buf := make([]byte, 64)
	for !bytes.HasSuffix(b, []byte("\n")) {
		n, err := c.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			return string(b), err
		}
	}
	return string(b), nil
}

// A DirectConn reads, writes, reports its peer and meets its deadline
// whether or not it has to wait, and it joins the runtime's poller only
// when it does have to wait (on Linux, where it can tell).
func TestDirectConn(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcde\n"), 1<<19) // 8 MiB: more than a socket buffer holds
	for _, tc := range []struct {
		name       string
		before     func(c net.Conn)               // the client, before the server accepts
		after      func(t *testing.T, c net.Conn) // the client, once the server has accepted
		deadline   time.Duration                  // the handler's; 0 for none
		reply      []byte                         // what the handler writes after reading a line
		wantRead   string                         // what the handler reads
		wantErr    error                          // from the handler's read or write
		wantJoined bool                           // whether the connection had to join the poller
	}{
		{
			name:     "request sent at once",
			before:   func(c net.Conn) { c.Write([]byte("get\n")) },
			after:    func(t *testing.T, c net.Conn) { expectReply(t, c, "ok\n") },
			reply:    []byte("ok\n"),
			wantRead: "get\n",
		},
		{
			name: "request sent after the server accepted",
			after: func(t *testing.T, c net.Conn) {
				time.Sleep(300 * time.Millisecond) // the server reads meanwhile, and waits
				c.Write([]byte("get\n"))
				expectReply(t, c, "ok\n")
			},
			reply:      []byte("ok\n"),
			wantRead:   "get\n",
			wantJoined: true,
		},
		{
			name:       "a silent client meets the deadline",
			deadline:   100 * time.Millisecond,
			wantErr:    os.ErrDeadlineExceeded,
			wantJoined: true,
		},
		{
			name:       "a reply larger than the socket buffer",
			before:     func(c net.Conn) { c.Write([]byte("list\n")) },
			after:      func(t *testing.T, c net.Conn) { expectReply(t, c, string(big)) },
			reply:      big,
			wantRead:   "list\n",
			wantJoined: true,
		},
		{
			name:    "a client that closes without a word",
			before:  func(c net.Conn) { c.Close() },
			wantErr: io.EOF,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, path := listenDirectTemp(t)
			c, err := net.Dial("unix", path) // a unix socket connects before it is accepted
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second)) // catches a hang, measures nothing
			if tc.before != nil {
				tc.before(c)
			}
			type result struct {
				read    string
				err     error
				joined  bool
				peer    unixsock.Peer
				peerErr error
			}
			accepted := make(chan struct{})
			done := make(chan result, 1)
			go func() {
				conn, err := ln.Accept()
				close(accepted)
				if err != nil {
					done <- result{err: err}
					return
				}
				defer conn.Close()
				var r result
				r.peer, r.peerErr = unixsock.PeerOf(conn)
				if tc.deadline > 0 {
					conn.SetDeadline(time.Now().Add(tc.deadline))
				} else {
					conn.SetDeadline(time.Now().Add(30 * time.Second)) // catches a hang, measures nothing
				}
				r.read, r.err = readLine(conn)
				if r.peerErr == nil { // again, as the daemon checks: after reading, maybe in the poller
					r.peer, r.peerErr = unixsock.PeerOf(conn)
				}
				if r.err == nil && tc.reply != nil {
					var n int
					n, r.err = conn.Write(tc.reply)
					if r.err == nil && n != len(tc.reply) {
						r.err = io.ErrShortWrite
					}
				}
				r.joined, _ = joinedPoller(conn)
				done <- r
			}()
			<-accepted // the server now checks the peer and reads
			if tc.after != nil {
				tc.after(t, c)
			}
			r := <-done
			if r.read != tc.wantRead || !errors.Is(r.err, tc.wantErr) && (tc.wantErr != nil || r.err != nil) {
				t.Fatalf("handler read %.40q, %v; want %q, %v", r.read, r.err, tc.wantRead, tc.wantErr)
			}
			if _, known := joinedPoller(nil); known && r.joined != tc.wantJoined {
				t.Errorf("joined the poller: %v, want %v", r.joined, tc.wantJoined)
			}
			if r.peerErr != nil || r.peer.Known && (r.peer.UID != os.Geteuid() || r.peer.PID != os.Getpid()) {
				t.Errorf("PeerOf = %+v, %v; want this process", r.peer, r.peerErr)
			}
		})
	}
}

func expectReply(t *testing.T, c net.Conn, want string) {
	t.Helper()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != want {
		t.Errorf("client got %d bytes (%.40q), %v; want %d bytes", len(got), got, err, len(want))
	}
}

// A write to a client that has gone is an error, not a signal that ends
// the process; reading and writing after Close fail too.
func TestDirectConnAfterTheClientLeft(t *testing.T) {
	ln, path := listenDirectTemp(t)
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	var werr error
	for range 3 { // the first write may still be buffered
		if _, werr = conn.Write([]byte("reply\n")); werr != nil {
			break
		}
	}
	if werr == nil {
		t.Error("writes to a client that closed succeeded")
	}
	if err := conn.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := conn.Read(make([]byte, 4)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read after Close: %v, want net.ErrClosed", err)
	}
	if _, err := conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close: %v, want net.ErrClosed", err)
	}
	if err := conn.Close(); err == nil {
		t.Error("a second Close succeeded")
	}
}

// Closing a DirectListener ends ServeWorkers, whose workers were waiting
// to accept; each connection's descriptor is closed with it, whichever
// way it was served.
func TestDirectListenerCloseAndNoLeaks(t *testing.T) {
	// The runtime's network poller opens its own descriptors on first use
	// and keeps them: start it before counting, so the test means the
	// same alone as after other tests.
	if warm, err := net.Dial("unix", t.TempDir()+"/none"); err == nil {
		warm.Close()
	}
	before := openFDs(t)
	ln, path := listenDirectTemp(t)
	var wg sync.WaitGroup
	done := make(chan struct{})
	go func() {
		defer close(done)
		ln.ServeWorkers(4, &wg, func(conn *DirectConn) {
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(30 * time.Second)) // catches a hang, measures nothing
			if line, err := readLine(conn); err == nil {
				conn.Write([]byte(strings.ToUpper(line)))
			}
		})
	}()
	for i := range 40 {
		c, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(30 * time.Second))
		if i%4 == 0 {
			time.Sleep(20 * time.Millisecond) // the server has to wait for this one
		}
		c.Write([]byte("ping\n"))
		if got, err := io.ReadAll(c); err != nil || string(got) != "PING\n" {
			t.Fatalf("connection %d: got %q, %v", i, got, err)
		}
		c.Close()
	}
	ln.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // catches a hang, measures nothing
		t.Fatal("ServeWorkers did not return after the listener closed")
	}
	wg.Wait()
	if after := openFDs(t); after >= 0 && after > before {
		t.Errorf("%d descriptors open before the listener and 40 connections, %d after the listener closed", before, after)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

// openFDs counts this process's open descriptors, or -1 where it cannot.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries)
}
