//go:build unix

package nopoll

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The lean helper replaces itself with git-credential-pat-cli (exec): a
// descriptor it opened must not live on in that program.
func TestOpenIsCloseOnExec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, tc := range []struct {
		name string
		open func() (*os.File, error)
	}{
		{"OpenFile", func() (*os.File, error) { return OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600) }},
		{"Open", func() (*os.File, error) { return Open(path) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.open()
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
			if err != nil {
				t.Fatal(err)
			}
			if flags&unix.FD_CLOEXEC == 0 {
				t.Errorf("%s: descriptor flags %#x, want FD_CLOEXEC", tc.name, flags)
			}
		})
	}
}

// OpenRegular opens a regular file, blocking as Open's are, and refuses a
// directory or a FIFO (without waiting for the FIFO's writer).
func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	file, fifo := filepath.Join(dir, "file"), filepath.Join(dir, "fifo")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenRegular(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if flags, err := unix.FcntlInt(f.Fd(), syscall.F_GETFL, 0); err != nil || flags&syscall.O_NONBLOCK != 0 {
		t.Fatalf("flags %#x, %v: the descriptor is left non-blocking", flags, err)
	}
	for _, p := range []string{dir, fifo} {
		if f, err := OpenRegular(p); !errors.Is(err, ErrNotRegular) {
			t.Errorf("OpenRegular(%s) = %v, %v; want ErrNotRegular", p, f, err)
		}
	}
}
