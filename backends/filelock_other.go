//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package backends

import (
	"errors"
	"io/fs"
	"os"

	"github.com/git-credential-pat/git-credential-pat/internal/nopoll"
)

// Without flock every lock is judged by time, as git judges its own.

func createLock(lock string) (*os.File, error) {
	return nopoll.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

func finishLock(*os.File) error { return nil }

// dropLock closes first: Windows cannot remove an open file.
func dropLock(fh *os.File, lock string) {
	fh.Close()
	os.Remove(lock)
}

func probeLock(lock string) (lockState, fs.FileInfo) {
	info, err := os.Stat(lock)
	if errors.Is(err, fs.ErrNotExist) {
		return lockGone, nil
	}
	return lockForeign, info
}
