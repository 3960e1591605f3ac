package unixserve

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DirectListener accepts with accept4 on a non-blocking duplicate of its
// socket that is registered with the runtime's poller: only waiting for a
// connection goes through the poller.
type DirectListener struct {
	ln     *net.UnixListener
	file   *os.File // the duplicate; closing it wakes Accept
	raw    syscall.RawConn
	closed atomic.Bool
}

func newDirectListener(ln *net.UnixListener) (*DirectListener, error) {
	lraw, err := ln.SyscallConn()
	if err != nil {
		return nil, err
	}
	fd := -1
	var dupErr error
	if err := lraw.Control(func(s uintptr) {
		fd, dupErr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return nil, err
	}
	if dupErr != nil {
		return nil, fmt.Errorf("duplicating the listening socket: %w", dupErr)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listening socket: %w", err)
	}
	// Non-blocking, so os.NewFile registers it with the poller; setting
	// no deadline fails if it did not, when Accept could not wait.
	file := os.NewFile(uintptr(fd), ln.Addr().String())
	if err := file.SetDeadline(time.Time{}); err != nil {
		file.Close()
		return nil, fmt.Errorf("listening socket: %w", err)
	}
	raw, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return nil, err
	}
	return &DirectListener{ln: ln, file: file, raw: raw}, nil
}

// Accept waits for the next connection; once l is closed it returns
// net.ErrClosed.
func (l *DirectListener) Accept() (*DirectConn, error) {
	nfd := -1
	var errno syscall.Errno
	err := l.raw.Read(func(s uintptr) bool {
		for {
			r, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, s, 0, 0, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
			if e == unix.EINTR || e == unix.ECONNABORTED {
				continue // as package net does: the next one may be fine
			}
			nfd, errno = int(r), e
			return e != unix.EAGAIN // false: wait in the poller, then call again
		}
	})
	if l.closed.Load() {
		if err == nil && errno == 0 {
			rawClose(nfd)
		}
		return nil, net.ErrClosed
	}
	if err != nil {
		return nil, err
	}
	if errno != 0 {
		return nil, os.NewSyscallError("accept4", errno)
	}
	return &DirectConn{fd: nfd}, nil
}

// Close stops listening; Accept returns net.ErrClosed.
func (l *DirectListener) Close() error {
	l.closed.Store(true)
	l.file.Close()
	return l.ln.Close()
}

// DirectConn is one accepted connection, for one goroutine at a time.
// Its reads and writes are direct system calls on the non-blocking
// socket until one would wait; from then on it is an *os.File in the
// runtime's poller, which waits without holding a thread and enforces
// the deadline. The direct calls do not wait for the client, so they
// need no deadline.
type DirectConn struct {
	fd       int      // -1 once closed
	file     *os.File // set once the connection has had to wait; it owns fd
	deadline time.Time
}

// Read reads what the client has sent, waiting (up to the deadline) only
// when it has sent nothing yet.
func (c *DirectConn) Read(p []byte) (int, error) {
	if c.file == nil {
		if c.fd < 0 {
			return 0, net.ErrClosed
		}
		if len(p) == 0 {
			return 0, nil
		}
		n, errno := rawIO(unix.SYS_READ, c.fd, p, 0)
		switch {
		case errno == 0 && n == 0:
			return 0, io.EOF
		case errno == 0:
			return n, nil
		case errno != unix.EAGAIN:
			return 0, os.NewSyscallError("read", errno)
		}
		if err := c.wait(); err != nil {
			return 0, err
		}
	}
	return c.file.Read(p)
}

// Write writes all of p, waiting (up to the deadline) only when the
// socket's buffer is full.
func (c *DirectConn) Write(p []byte) (int, error) {
	n := 0
	if c.file == nil {
		if c.fd < 0 {
			return 0, net.ErrClosed
		}
		for n < len(p) {
			// send with MSG_NOSIGNAL: a client that has gone is an
			// EPIPE error, not a signal.
			m, errno := rawIO(unix.SYS_SENDTO, c.fd, p[n:], unix.MSG_NOSIGNAL)
			if errno == unix.EAGAIN {
				break
			}
			if errno != 0 {
				return n, os.NewSyscallError("write", errno)
			}
			n += m
		}
		if n == len(p) {
			return n, nil
		}
		if err := c.wait(); err != nil {
			return n, err
		}
	}
	m, err := c.file.Write(p[n:])
	return n + m, err
}

// wait hands the socket to the poller, with the deadline set so far.
func (c *DirectConn) wait() error {
	if c.fd < 0 {
		return net.ErrClosed
	}
	c.file = os.NewFile(uintptr(c.fd), "unix socket")
	// SetDeadline fails if the file did not join the poller, where a
	// read could block a thread past any deadline.
	if err := c.file.SetDeadline(c.deadline); err != nil {
		return fmt.Errorf("waiting on the connection: %w", err)
	}
	return nil
}

// SetDeadline makes reads and writes that have to wait fail once t has
// passed; the zero time means no deadline.
func (c *DirectConn) SetDeadline(t time.Time) error {
	c.deadline = t
	if c.file != nil {
		return c.file.SetDeadline(t)
	}
	return nil
}

// Close closes the connection.
func (c *DirectConn) Close() error {
	if c.file != nil {
		return c.file.Close()
	}
	if c.fd < 0 {
		return net.ErrClosed
	}
	fd := c.fd
	c.fd = -1
	if errno := rawClose(fd); errno != 0 {
		return os.NewSyscallError("close", errno)
	}
	return nil
}

// SyscallConn gives the socket to functions such as unixsock.PeerOf.
func (c *DirectConn) SyscallConn() (syscall.RawConn, error) {
	if c.file != nil {
		return c.file.SyscallConn()
	}
	if c.fd < 0 {
		return nil, net.ErrClosed
	}
	return fdControl(c.fd), nil
}

// fdControl is a syscall.RawConn for an fd outside the poller: Control
// only, which is all that reading socket options needs.
type fdControl int

func (fd fdControl) Control(f func(uintptr)) error { f(uintptr(fd)); return nil }
func (fdControl) Read(func(uintptr) bool) error    { return errors.ErrUnsupported }
func (fdControl) Write(func(uintptr) bool) error   { return errors.ErrUnsupported }

// rawIO makes a read or send system call on a non-blocking socket without
// telling the runtime, retrying when a signal interrupts it. A raw call
// holds its thread and the daemon's one P until it returns, so it must
// not wait for anyone: on a non-blocking socket these do not wait for the
// client, only (rarely, briefly) for the kernel's own work, such as its
// collection of unix sockets in flight.
func rawIO(trap uintptr, fd int, p []byte, flags uintptr) (int, syscall.Errno) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	for {
		r, _, errno := unix.RawSyscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), flags, 0, 0)
		if errno != unix.EINTR {
			return int(r), errno
		}
	}
}

// rawClose closes a socket that is not in the poller. Closing a unix
// socket does not wait for the client.
func rawClose(fd int) syscall.Errno {
	_, _, errno := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	return errno
}
