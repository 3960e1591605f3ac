//go:build unix && !aix && !solaris

package cache

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// detached puts the daemon in a session of its own, so git's process group
// and terminal signals do not reach it.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

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
func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("the socket directory %s is a symlink; refusing it, since it could be pointed at someone else's directory; remove it or choose another --socket", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("the socket directory %s is not owned by you; choose another --socket", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the permissions on your socket directory are too loose; other users may be able to read your cached credentials; run: chmod 700 %s", dir)
	}
	return nil
}

// limitCore disables core dumps, which would hold the cached secrets.
func limitCore() { unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}) }
