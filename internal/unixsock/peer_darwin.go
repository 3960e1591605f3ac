package unixsock

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// PeerOf returns the user and process on the other end of conn, from the
// kernel (LOCAL_PEERCRED and LOCAL_PEERPID): a client cannot claim to be
// someone else.
func PeerOf(conn syscall.Conn) (Peer, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", err)
	}
	var cred *unix.Xucred
	var pid int
	var credErr, pidErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
		pid, pidErr = unix.GetsockoptInt(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	}); err != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", err)
	}
	if credErr != nil {
		return Peer{}, fmt.Errorf("checking peer: %w", os.NewSyscallError("getsockopt", credErr))
	}
	if pidErr != nil {
		pid = 0 // the user is what a check needs; the pid only names the process
	}
	return Peer{UID: int(cred.Uid), PID: pid, Known: true}, nil
}
