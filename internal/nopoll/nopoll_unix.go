//go:build unix

package nopoll

import (
	"io/fs"
	"os"
	"syscall"
)

// Open opens name for reading, as os.Open does.
func Open(name string) (*os.File, error) {
	return OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile is os.OpenFile for flag and the permission bits of perm (the
// only ones the helper's files use). The descriptor is close-on-exec and
// stays blocking, so os.NewFile keeps it away from the poller. Errors are
// *fs.PathError values, as os.OpenFile's are.
func OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == syscall.EINTR { // an open of a FIFO or a slow filesystem, interrupted by a signal
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}
