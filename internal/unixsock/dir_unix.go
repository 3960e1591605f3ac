//go:build unix && !aix && !solaris

package unixsock

import (
	"fmt"
	"os"
	"syscall"
)

// Detached puts a daemon in a session of its own, so the process group and
// terminal signals of whoever started it do not reach it.
func Detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// CheckPrivateDir refuses a socket directory other users could reach into,
// or a symlink, which someone could point elsewhere between checks.
func CheckPrivateDir(dir string) error {
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
		return fmt.Errorf("the permissions on your socket directory are too loose; other users may be able to reach the credentials behind its socket; run: chmod 700 %s", dir)
	}
	return nil
}
