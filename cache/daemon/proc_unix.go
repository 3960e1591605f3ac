//go:build unix && !aix && !solaris

package daemon

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// lockFile takes an exclusive flock on path, waiting for it. The kernel
// drops it if the holder dies, so it is never stale.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// checkPrivateDir refuses a socket directory other users could reach into,
// or a symlink, which someone could point elsewhere between checks.
func checkPrivateDir(dir string) error { return unixsock.CheckPrivateDir(dir) }

// limitCore disables core dumps, which would hold the cached secrets.
func limitCore() { unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}) }
