//go:build unix

// Command gitcacheclient is bench/run.sh's floor of a Go cache client:
// what git credential-cache's client does (send "action=ACTION",
// "timeout=900" and the credential read from stdin to the daemon's
// socket, close the sending side, copy the answer to stdout), written
// with package syscall only (so not even package os: the socket and the
// action come from $FLOOR_SOCKET and $FLOOR_ACTION) and run against git's
// own credential-cache--daemon. It never starts a daemon; do not use it.
//
// With FLOOR_PROTOCOL=pat it sends the same credential in our daemon's
// request instead ({"action":ACTION,"cred":BASE64}) and copies its JSON
// reply undecoded: the same client against our daemon, so that the bench
// can tell our daemon's share of a cache get from our client's.
package main

import "syscall"

func main() {
	socket, ok1 := syscall.Getenv("FLOOR_SOCKET")
	action, ok2 := syscall.Getenv("FLOOR_ACTION")
	if !ok1 || !ok2 {
		syscall.Write(2, []byte("usage: FLOOR_SOCKET=PATH FLOOR_ACTION=get [FLOOR_PROTOCOL=pat] gitcacheclient\n"))
		syscall.Exit(2)
	}
	var req []byte
	switch protocol, _ := syscall.Getenv("FLOOR_PROTOCOL"); protocol {
	case "", "git":
		req = append([]byte("action="+action+"\ntimeout=900\n"), readAll(0)...)
	case "pat":
		req = append([]byte(`{"action":"`+action+`","cred":"`), base64(readAll(0))...)
		req = append(req, "\"}\n"...)
	default:
		syscall.Write(2, []byte("gitcacheclient: FLOOR_PROTOCOL is git or pat\n"))
		syscall.Exit(2)
	}
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

// base64 is standard padded base64, as encoding/json writes []byte:
// package encoding/base64 is more than this floor needs.
func base64(in []byte) []byte {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	out := make([]byte, 0, (len(in)+2)/3*4)
	for len(in) > 0 {
		var chunk [3]byte
		n := copy(chunk[:], in)
		in = in[n:]
		v := uint(chunk[0])<<16 | uint(chunk[1])<<8 | uint(chunk[2])
		quad := [4]byte{digits[v>>18&63], digits[v>>12&63], digits[v>>6&63], digits[v&63]}
		if n < 3 {
			quad[3] = '='
		}
		if n < 2 {
			quad[2] = '='
		}
		out = append(out, quad[:]...)
	}
	return out
}
