//go:build unix

package backends

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// A symlink another user made in a shared sticky directory (/tmp) is not
// followed: mallory's /tmp/shared/creds -> /home/victim/.profile would
// otherwise get a token line prepended to victim's .profile, bypassing the
// kernel's protected_symlinks rule because we resolve the link ourselves.
func TestFileRefusesForeignSymlinkInStickyDir(t *testing.T) {
	testenv.Root(t, "making another user's symlink")
	tests := []struct {
		name      string
		dirMode   os.FileMode // applied with os.Chmod (ModeSticky sets the sticky bit)
		linkOwner int         // -1: ours
		refused   bool
	}{
		{"another user's link in a sticky world-writable dir", 0o777 | os.ModeSticky, 65534, true},
		{"our link in a sticky world-writable dir", 0o777 | os.ModeSticky, -1, false},
		{"another user's link in our own dir", 0o755, 65534, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			profile := filepath.Join(home, ".profile")
			const before = "export PATH=$HOME/bin:$PATH\n"
			if err := os.WriteFile(profile, []byte(before), 0o600); err != nil {
				t.Fatal(err)
			}
			shared := filepath.Join(t.TempDir(), "shared")
			if err := os.Mkdir(shared, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(shared, tc.dirMode); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(shared, "creds")
			if err := os.Symlink(profile, link); err != nil {
				t.Fatal(err)
			}
			if tc.linkOwner >= 0 {
				if err := os.Lchown(link, tc.linkOwner, tc.linkOwner); err != nil {
					t.Fatal(err)
				}
			}
			s := &FileStore{Path: link, LockTimeout: time.Second}
			storeErr := s.Store(context.Background(), cred("github.com", "u", "ghp_TOKEN"))
			_, getErr := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "github.com"})
			data, _ := os.ReadFile(profile)
			if !tc.refused {
				if storeErr != nil || getErr != nil || !strings.Contains(string(data), "ghp_TOKEN") {
					t.Fatalf("store %v, get %v, target %q; want the link followed", storeErr, getErr, data)
				}
				return
			}
			for _, err := range []error{storeErr, getErr} {
				if err == nil || !strings.Contains(err.Error(), "another user (uid 65534)") || !strings.Contains(err.Error(), "sticky") {
					t.Fatalf("err = %v; want a refusal that says why", err)
				}
			}
			if string(data) != before {
				t.Fatalf("the link's target was written: %q", data)
			}
		})
	}
}

// A credentials file that is not a regular file (a FIFO, process
// substitution, /dev/stdin) is read as a stream: git's get from it must
// answer, as it did before the split search (which reads with pread).
func TestFileGetFromFIFO(t *testing.T) {
	for _, size := range []int{1, 40000} { // one entry; about 3 MB, over the split size
		path := filepath.Join(t.TempDir(), "creds")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
		var content strings.Builder
		for i := range size {
			content.WriteString("https://u" + strconv.Itoa(i) + ":tok" + strconv.Itoa(i) + "@h" + strconv.Itoa(i) + ".example\n")
		}
		go func() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer f.Close()
			f.WriteString(content.String())
		}()
		s := &FileStore{Path: path, LockTimeout: time.Second}
		last := strconv.Itoa(size - 1)
		got, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "h" + last + ".example", HasHost: true})
		if err != nil || got.Password != "tok"+last {
			t.Fatalf("%d entries: get from a FIFO = %q, %v; want tok%s", size, got.Password, err, last)
		}
	}
}

// A store into a FIFO fails at once with a clear error: git's store had
// read the FIFO once to compare, so it opened it a second time and waited
// for a writer forever. (An erase reads it once, as a stream: see
// TestFileLockJudgedByHolder in e2e, which holds the lock that way.)
func TestFileStoreRefusesToRewriteAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &FileStore{Path: path, LockTimeout: time.Second}
	done := make(chan error, 1)
	go func() { done <- s.Store(context.Background(), cred("a.example", "u", "p")) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "it is a named pipe (FIFO)") {
			t.Errorf("store into a FIFO: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("store into a FIFO still waiting after 30s")
	}
	if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("store replaced the FIFO: %v %v", st, err)
	}
}

// A path that cannot be the credentials file gets an error naming the
// path and what to do, not the system call's words alone.
func TestFileStoreErrorsNameTheFix(t *testing.T) {
	dir := t.TempDir()
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{dir, "is a directory; --file takes the credentials file's path (such as " + filepath.Join(dir, "credentials") + ")"},
		{loop, "following the symlink " + loop + ": "},
	} {
		s := &FileStore{Path: tc.path, LockTimeout: time.Second, Warn: func(m string) { t.Errorf("warning for %s: %s", tc.path, m) }}
		_, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "a.example"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("get from %s: %v; want %q", tc.path, err, tc.want)
		}
	}
}
