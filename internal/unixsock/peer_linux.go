package unixsock

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PeerOf returns the user and process on the other end of conn (a
// *net.UnixConn, a Conn from Dial, or a unixserve.DirectConn), from the
// kernel (SO_PEERCRED): a client cannot claim to be someone else.
func PeerOf(conn syscall.Conn) (Peer, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", err)
	}
	var cred unix.Ucred
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		// A raw call, which the runtime does not hear of (it does not
		// wait for anyone): so the cache daemon answers a get without a
		// system call that wakes the runtime's monitor thread (see
		// unixserve.DirectConn).
		size := uint32(unsafe.Sizeof(cred))
		_, _, errno = unix.RawSyscall6(unix.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_PEERCRED,
			uintptr(unsafe.Pointer(&cred)), uintptr(unsafe.Pointer(&size)), 0)
	}); err != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", err)
	}
	if errno != 0 {
		return Peer{}, fmt.Errorf("checking peer: %w", os.NewSyscallError("getsockopt", errno))
	}
	return Peer{UID: int(cred.Uid), PID: int(cred.Pid), Known: true}, nil
}
