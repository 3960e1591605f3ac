//go:build unix

package cache

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// frozenDaemon listens on a socket in a private directory and accepts
// connections it never answers, as a stopped daemon's backlog does; it
// counts them.
func frozenDaemon(t *testing.T) (sock string, accepted *atomic.Int32) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	sock = filepath.Join(dir, "socket")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted = new(atomic.Int32)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			defer c.Close() // held open, never answered
		}
	}()
	return sock, accepted
}

// A daemon that accepts and never answers makes a get fail at the call's
// deadline, with a context that cannot be cancelled (git's get: a blocking
// socket with kernel timeouts) and with one that is cancelled (the poller).
func TestWedgedDaemonFailsInsteadOfHanging(t *testing.T) {
	sock, _ := frozenDaemon(t)
	old := callTimeout
	callTimeout = 200 * time.Millisecond
	defer func() { callTimeout = old }()
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
		c, err := Open(Options{Socket: sock}) // each its own: a client gives up on a daemon that timed out
		if err != nil {
			t.Fatal(err)
		}
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

// In front of a store, a daemon that lets a call time out is given up on
// for the rest of the process: a get asks it once (not again to remember
// the answer), answers from the store, and says why it was slow, once.
func TestLayerGivesUpOnAFrozenDaemon(t *testing.T) {
	sock, accepted := frozenDaemon(t)
	ctx := context.Background()
	inner := &storetest.Memory{}
	stored := credential.Credential{Protocol: "https", Host: "example.com", Username: "u", Password: "tok", HasUsername: true, HasPassword: true}
	if err := inner.Store(ctx, stored); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	l := Layer(inner, Options{Socket: sock, CallTimeout: 200 * time.Millisecond, Warn: func(m string) { warnings = append(warnings, m) }}, "id")
	q := credential.Credential{Protocol: "https", Host: "example.com"}
	for i := 0; i < 2; i++ {
		got, err := l.Get(ctx, q)
		if err != nil || got.Password != "tok" {
			t.Fatalf("get %d: %+v, %v; want the store's answer", i, got.Redacted(), err)
		}
	}
	if err := l.Store(ctx, stored); err != nil {
		t.Fatal(err)
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("the frozen daemon was asked %d times; want once", n)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "did not answer within 200ms") || !strings.Contains(warnings[0], "stop it with: kill ") {
		t.Errorf("warnings = %q; want one naming the wait and the daemon's pid", warnings)
	}
	// A process that lives on (the agent) tries the daemon again once
	// giveUpFor has passed: it may be back.
	old := giveUpFor
	giveUpFor = 0
	defer func() { giveUpFor = old }()
	if _, err := l.Get(ctx, q); err != nil {
		t.Fatal(err)
	}
	if n := accepted.Load(); n < 2 {
		t.Errorf("the daemon was not asked again after giveUpFor (%d requests)", n)
	}
}
