//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package backends

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Who holds the lock decides the wait, not how long it has held it: a
// live writer of ours is waited for past LockTimeout, a crashed one's lock
// is stale at once, git's lock (no flock) keeps the timeout. In-process
// holders work because a flock belongs to an open file, not a process.
func TestFileLockHolder(t *testing.T) {
	tests := []struct {
		name string
		// hold takes the lock the way the holder would and returns a
		// function that ends the holding (nil: it never ends).
		hold        func(t *testing.T, s *FileStore, lock string) (release func())
		lockTimeout time.Duration
		wantErr     string // "" : the waiting store succeeds
	}{
		{"a live writer of ours holding past the timeout is waited for", func(t *testing.T, s *FileStore, lock string) func() {
			fh, err := s.acquire(lock)
			if err != nil {
				t.Fatal(err)
			}
			return func() { dropLock(fh, lock) }
		}, 10 * time.Millisecond, ""},
		{"a crashed writer's lock is stale at once", func(t *testing.T, s *FileStore, lock string) func() {
			fh, err := s.acquire(lock)
			if err != nil {
				t.Fatal(err)
			}
			fh.Close() // what the kernel does when the writer is killed: the file stays, the flock goes
			return nil
		}, time.Hour, ""},
		{"git's lock, without flock, keeps the timeout", func(t *testing.T, s *FileStore, lock string) func() {
			if err := os.WriteFile(lock, nil, 0o600); err != nil { // as git's credential-store makes it
				t.Fatal(err)
			}
			return nil
		}, 10 * time.Millisecond, "still locked after 10ms by the same writer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			lock := path + ".lock"
			holder := &FileStore{Path: path, LockTimeout: time.Second}
			release := tc.hold(t, holder, lock)
			waiter := &FileStore{Path: path, LockTimeout: tc.lockTimeout}
			done := make(chan error, 1)
			go func() { done <- waiter.Store(context.Background(), cred("h", "u", "p")) }()
			if release != nil {
				// Hold on for many times the waiter's timeout: the old rule
				// gave up after one.
				select {
				case err := <-done:
					t.Fatalf("the waiter did not wait for a live holder: %v", err)
				case <-time.After(50 * tc.lockTimeout):
				}
				release()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute): // a watchdog, not a measurement
				t.Fatal("the waiter is still waiting after a minute")
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if _, err := os.Stat(lock); err != nil {
					t.Fatal("git's lock file was removed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			if !strings.Contains(string(data), "https://u:p@h\n") {
				t.Fatalf("file = %q", data)
			}
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("credentials file mode = %v, %v; want 0600", st.Mode(), err)
			}
			if _, err := os.Stat(lock); err == nil {
				t.Fatal("a lock file was left behind")
			}
		})
	}
}

// A lock of ours whose creator has not taken its flock yet is indistinct
// from a crashed writer's: a waiter removes it, and the creator must find
// out that it lost the lock instead of writing under a lock nobody sees.
func TestFileLockCreatorLosesToBreaker(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "credentials.lock")
	fh, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, heldLockMode) // created, not yet locked
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if state, _ := probeLock(lock); state != lockStale {
		t.Fatalf("probe = %v, want stale", state)
	}
	mine, err := createLock(lock) // a third writer takes the free lock
	if err != nil {
		t.Fatal(err)
	}
	defer dropLock(mine, lock)
	if stillAt(lock, fh) {
		t.Fatal("the first creator's file is still the lock")
	}
	if state, _ := probeLock(lock); state != lockLive {
		t.Fatalf("probe of a held lock = %v, want live", state)
	}
}

// The chmod that lets a lock be created names the directory quoted for
// the shell. Regression test: a directory with a space split the command.
func TestLockPermissionErrorQuotesTheDirectory(t *testing.T) {
	for _, tc := range []struct{ lock, want string }{
		{"/home/me/.config/git-credential-pat/credentials.lock", "chmod u+w /home/me/.config/git-credential-pat (or"},
		{"/home/me/my creds/credentials.lock", "chmod u+w '/home/me/my creds' (or"},
		{"/tmp/$HOME/c.lock", "chmod u+w '/tmp/$HOME' (or"},
	} {
		if got := lockPermissionError(tc.lock, fs.ErrPermission).Error(); !strings.Contains(got, tc.want) {
			t.Errorf("lockPermissionError(%q) = %q, want it to contain %q", tc.lock, got, tc.want)
		}
	}
}
