//go:build linux || darwin

package unixsock

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestPeerOf runs where PeerOf asks the kernel (Linux: SO_PEERCRED; macOS:
// LOCAL_PEERCRED and LOCAL_PEERPID).
func TestPeerOf(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn, err := ln.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p, err := PeerOf(conn)
	if err != nil || !p.Known || p.UID != os.Geteuid() || p.PID != os.Getpid() {
		t.Fatalf("PeerOf = %+v, %v; want uid %d pid %d", p, err, os.Geteuid(), os.Getpid())
	}
}
