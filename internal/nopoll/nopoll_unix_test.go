//go:build unix

package nopoll

import (
	"os"
	"path/filepath"
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
