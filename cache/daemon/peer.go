package daemon

import (
	"fmt"
	"os"
	"syscall"

	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// checkPeer refuses a client running as another user. The 0700 socket
// directory already keeps them out; this holds even if it is loosened.
// Where the kernel cannot tell (unixsock.PeerOf: neither Linux nor macOS),
// the directory is the only protection, as in git's credential-cache.
func checkPeer(conn syscall.Conn) error {
	peer, err := unixsock.PeerOf(conn)
	if err != nil {
		return err
	}
	if peer.Known && peer.UID != os.Geteuid() {
		return fmt.Errorf("refused: client uid %d is not the daemon's uid %d", peer.UID, os.Geteuid())
	}
	return nil
}
