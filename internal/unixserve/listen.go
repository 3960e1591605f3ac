package unixserve

import (
	"fmt"
	"io/fs"
	"net"
	"os"
)

// Listen listens on the unix socket path, mode 0600, first removing a
// socket file a dead server left there. A file there that is not a socket
// is refused. Errors name the fix; callers prefix their own name.
func Listen(path string) (*net.UnixListener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("%s exists and is not a socket; remove it or choose another --socket", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("removing stale socket: %w", err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	os.Chmod(path, 0o600) // the 0700 directory already protects it; be sure anyway
	return ln, nil
}
