//go:build unix

package cache

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// A daemon that accepts and never answers makes a get fail at the call's
// deadline, with a context that cannot be cancelled (git's get: a blocking
// socket with kernel timeouts) and with one that is cancelled (the poller).
func TestWedgedDaemonFailsInsteadOfHanging(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "socket")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	old := callTimeout
	callTimeout = 200 * time.Millisecond
	defer func() { callTimeout = old }()
	c, err := Open(Options{Socket: sock})
	if err != nil {
		t.Fatal(err)
	}
	q := credential.Credential{Protocol: "https", Host: "example.com"}

	for _, tc := range []struct {
		name string
		ctx  func() context.Context
	}{
		{"background", context.Background},
		{"cancelled while waiting", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx
		}},
	} {
		done := make(chan error, 1)
		ctx := tc.ctx()
		go func() {
			_, err := c.Get(ctx, q)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s: get from a daemon that never answers succeeded", tc.name)
			} else {
				t.Logf("%s: %v", tc.name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: get still waiting after 10s against a %v call timeout", tc.name, callTimeout)
		}
	}
}
