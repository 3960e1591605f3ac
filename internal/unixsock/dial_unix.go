//go:build unix

package unixsock

import (
	"context"
	"io"
	"os"
	"runtime"
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
	fd, err := socket()
	if err != nil {
		return nil, err
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

// socket returns a new close-on-exec unix stream socket.
func socket() (int, error) {
	// ForkLock keeps a concurrent fork from inheriting the descriptor
	// before it is close-on-exec.
	syscall.ForkLock.RLock()
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// DialSync is Dial for a client that makes one exchange and exits, as git's
// helper does: with a context that cannot be cancelled, the socket stays
// blocking and deadlines are the kernel's own send and receive timeouts
// (SO_SNDTIMEO, SO_RCVTIMEO), so the process never starts the runtime's
// poller or a timer for it. connect gives up at deadline too (a full
// backlog waits at most that long). A context that can be cancelled gets
// Dial, whose reads and connect end when it does.
func DialSync(ctx context.Context, path string, deadline time.Time) (Conn, error) {
	if ctx.Done() != nil {
		if !deadline.IsZero() {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline)
			defer cancel()
		}
		return Dial(ctx, path)
	}
	fd, err := socket()
	if err != nil {
		return nil, err
	}
	c := &syncConn{File: os.NewFile(uintptr(fd), path), fd: fd, deadline: deadline}
	sa := &syscall.SockaddrUnix{Name: path}
	for {
		// Each try waits only for what is left: the kernel answers a
		// signal during a timed wait with EINTR, and a retry with the
		// same timeout would start it over.
		if err = c.arm(syscall.SO_SNDTIMEO); err != nil {
			break
		}
		if err = syscall.Connect(fd, sa); err != syscall.EINTR {
			break
		}
	}
	runtime.KeepAlive(c)
	switch err {
	case nil:
		return c, nil
	case syscall.EAGAIN, os.ErrDeadlineExceeded: // the deadline passed with the backlog still full
		err = syscall.ETIMEDOUT
	}
	c.Close()
	return nil, os.NewSyscallError("connect", err)
}

// syncConn is a blocking socket whose deadline is kept in its kernel
// timeouts: each read or write, and each retry after a signal, first sets
// its timeout to what is left. It is for one goroutine at a time.
type syncConn struct {
	*os.File // Close and SyscallConn; not in the poller (NewFile of a blocking descriptor)
	fd       int
	deadline time.Time
	closed   bool
}

func (c *syncConn) SetDeadline(t time.Time) error {
	c.deadline = t
	return nil
}

func (c *syncConn) Read(b []byte) (int, error) {
	for {
		if err := c.arm(syscall.SO_RCVTIMEO); err != nil {
			return 0, c.opError("read", err)
		}
		n, err := syscall.Read(c.fd, b)
		runtime.KeepAlive(c) // its finalizer must not close c.fd mid-call
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, c.opError("read", err)
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (c *syncConn) Write(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		if err := c.arm(syscall.SO_SNDTIMEO); err != nil {
			return done, c.opError("write", err)
		}
		n, err := syscall.Write(c.fd, b[done:])
		runtime.KeepAlive(c)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return done, c.opError("write", err)
		}
		done += n
	}
	return done, nil
}

func (c *syncConn) Close() error {
	c.closed = true
	return c.File.Close()
}

// arm sets the socket's timeout opt to the time left until the deadline
// (none for the zero time). The kernel's timeout is per call and 0 means
// none, so a passed deadline fails here (NsecToTimeval rounds a
// sub-microsecond rest up, not to 0).
func (c *syncConn) arm(opt int) error {
	if c.closed {
		return os.ErrClosed // the descriptor number may be another file's by now
	}
	var tv syscall.Timeval
	if !c.deadline.IsZero() {
		left := time.Until(c.deadline)
		if left <= 0 {
			return os.ErrDeadlineExceeded
		}
		tv = syscall.NsecToTimeval(left.Nanoseconds())
	}
	return syscall.SetsockoptTimeval(c.fd, syscall.SOL_SOCKET, opt, &tv)
}

// opError wraps err as package os does, with the EAGAIN of an expired
// kernel timeout turned into the error a poller deadline gives.
func (c *syncConn) opError(op string, err error) error {
	if err == syscall.EAGAIN {
		err = os.ErrDeadlineExceeded
	}
	return &os.PathError{Op: op, Path: c.Name(), Err: err}
}
