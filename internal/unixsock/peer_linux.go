package unixsock

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// PeerOf returns the user and process on the other end of conn (a
// *net.UnixConn, or a Conn from Dial), from the kernel (SO_PEERCRED): a
// client cannot claim to be someone else.
func PeerOf(conn syscall.Conn) (Peer, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", err)
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", err)
	}
	if cerr != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", cerr)
	}
	return Peer{UID: int(cred.Uid), PID: int(cred.Pid), Known: true}, nil
}
