package daemon

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// checkPeer refuses a client running as another user. The 0700 socket
// directory already keeps them out; this holds even if it is loosened.
func checkPeer(conn syscall.Conn) error {
	peer, err := unixsock.PeerOf(conn)
	if err != nil {
		return err
	}
	if peer.UID != os.Geteuid() {
		return fmt.Errorf("refused: client uid %d is not the daemon's uid %d", peer.UID, os.Geteuid())
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
