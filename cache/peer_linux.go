package cache

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// checkPeer refuses a client running as another user. The 0700 socket
// directory already keeps them out; this holds even if it is loosened.
func checkPeer(conn *net.UnixConn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return fmt.Errorf("checking peer: %w", err)
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return fmt.Errorf("checking peer: %w", err)
	}
	if cerr != nil {
		return fmt.Errorf("checking peer: %w", cerr)
	}
	if int(cred.Uid) != os.Geteuid() {
		return fmt.Errorf("refused: client uid %d is not the daemon's uid %d", cred.Uid, os.Geteuid())
	}
	return nil
}

// harden keeps secrets out of core dumps and away from ptrace by other
// processes of the user.
func harden() {
	limitCore()
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}

// rss returns the daemon's resident memory in bytes.
func rss() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" { // "VmRSS:  1234 kB"
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
