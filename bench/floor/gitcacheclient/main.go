//go:build unix

// Command gitcacheclient is bench/run.sh's floor of a Go cache client:
// what git credential-cache's client does (send "action=ACTION",
// "timeout=900" and the credential read from stdin to the daemon's
// socket, close the sending side, copy the answer to stdout), written
// with package syscall only (so not even package os: the socket and the
// action come from $FLOOR_SOCKET and $FLOOR_ACTION) and run against git's
// own credential-cache--daemon. It never starts a daemon; do not use it.
package main

import "syscall"

func main() {
	socket, ok1 := syscall.Getenv("FLOOR_SOCKET")
	action, ok2 := syscall.Getenv("FLOOR_ACTION")
	if !ok1 || !ok2 {
		syscall.Write(2, []byte("usage: FLOOR_SOCKET=PATH FLOOR_ACTION=get gitcacheclient\n"))
		syscall.Exit(2)
	}
	req := append([]byte("action="+action+"\ntimeout=900\n"), readAll(0)...)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		syscall.Exit(1)
	}
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: socket}); err != nil {
		syscall.Exit(0) // no daemon: nothing cached, as git's client
	}
	for len(req) > 0 {
		n, err := syscall.Write(fd, req)
		if err != nil {
			syscall.Exit(1)
		}
		req = req[n:]
	}
	syscall.Shutdown(fd, syscall.SHUT_WR)
	syscall.Write(1, readAll(fd))
}

func readAll(fd int) []byte {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(fd, buf)
		if n <= 0 || err != nil {
			return out
		}
		out = append(out, buf[:n]...)
	}
}
