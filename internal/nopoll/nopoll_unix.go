//go:build unix

package nopoll

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is what OpenRegular's error wraps for a name that exists
// but is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Open opens name for reading, as os.Open does.
func Open(name string) (*os.File, error) {
	return OpenFile(name, os.O_RDONLY, 0)
}

// OpenRegular opens name for reading when it is a regular file, and
// otherwise fails without waiting: a FIFO is opened without blocking (an
// open for reading waits for a writer), then refused, as is a directory or
// a device. The error wraps ErrNotRegular and names what name is.
func OpenRegular(name string) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		var st syscall.Stat_t
		if err := syscall.Fstat(fd, &st); err != nil {
			syscall.Close(fd)
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		if uint32(st.Mode)&syscall.S_IFMT != syscall.S_IFREG { // uint16 on macOS
			syscall.Close(fd)
			return nil, &fs.PathError{Op: "open", Path: name, Err: notRegular(uint32(st.Mode))}
		}
		// Blocking again, so os.NewFile keeps it away from the poller.
		if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_SETFL, 0); errno != 0 {
			syscall.Close(fd)
			return nil, &fs.PathError{Op: "fcntl", Path: name, Err: errno}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}

// notRegular names what a file of mode is, wrapping ErrNotRegular.
func notRegular(mode uint32) error {
	what := "not a regular file"
	switch mode & syscall.S_IFMT {
	case syscall.S_IFIFO:
		what = "a named pipe (FIFO)"
	case syscall.S_IFDIR:
		what = "a directory"
	case syscall.S_IFCHR, syscall.S_IFBLK:
		what = "a device"
	case syscall.S_IFSOCK:
		what = "a socket"
	}
	return fmt.Errorf("%w: it is %s", ErrNotRegular, what)
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
