//go:build unix

package unixsock

import (
	"context"
	"os"
	"syscall"
	"time"
)

// Dial connects to the unix socket at path, giving up when ctx is done.
// A path starting with "@" names a Linux abstract socket. Errors are
// *os.SyscallError values wrapping the errno, so errors.Is(err,
// fs.ErrNotExist) and errors.Is(err, syscall.ECONNREFUSED) tell "nothing
// listens" apart from other failures, as with net.Dial.
//
// The socket is non-blocking and wrapped in an *os.File, so reads, writes
// and deadlines go through the runtime's poller as a net.Conn's would.
func Dial(ctx context.Context, path string) (Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// ForkLock keeps a concurrent fork from inheriting the descriptor
	// before it is close-on-exec.
	syscall.ForkLock.RLock()
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, os.NewSyscallError("setnonblock", err)
	}
	if err := connect(ctx, fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// connect connects the non-blocking fd. A unix socket connects at once or
// fails; EAGAIN means the listener's backlog is full (a busy or frozen
// server), so it retries until ctx is done rather than block forever.
func connect(ctx context.Context, fd int, sa syscall.Sockaddr) error {
	wait := 50 * time.Microsecond
	for {
		err := syscall.Connect(fd, sa)
		switch err {
		case nil, syscall.EISCONN:
			return nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN, syscall.EINPROGRESS, syscall.EALREADY:
			select {
			case <-ctx.Done():
				return os.NewSyscallError("connect", syscall.ETIMEDOUT)
			case <-time.After(wait):
			}
			wait = min(2*wait, 10*time.Millisecond)
		default:
			return os.NewSyscallError("connect", err)
		}
	}
}
