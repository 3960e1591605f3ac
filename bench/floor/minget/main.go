// Command minget is bench/run.sh's floor of a Go credential get: it reads
// the query on stdin, finds the first line of the credential-store file
// named by its argument whose host matches, and prints its username and
// password. It skips everything a real helper must do; do not use it.
// It opens the file as the helper does (see readFile).
package main

import (
	"bytes"
	"io"
	"os"
	"syscall"
)

func main() {
	if len(os.Args) != 3 || os.Args[2] != "get" {
		os.Stderr.WriteString("usage: minget FILE get\n")
		os.Exit(2)
	}
	query := make([]byte, 4096)
	n, _ := os.Stdin.Read(query)
	var host []byte
	for _, l := range bytes.Split(query[:n], []byte("\n")) {
		if h, ok := bytes.CutPrefix(l, []byte("host=")); ok {
			host = h
		}
	}
	data, err := readFile(os.Args[1])
	if err != nil {
		return
	}
	for _, l := range bytes.Split(data, []byte("\n")) {
		at := bytes.LastIndexByte(l, '@')
		rest, ok := bytes.CutPrefix(l, []byte("https://"))
		if at < 0 || !ok || !bytes.Equal(l[at+1:], host) {
			continue
		}
		user, pass, _ := bytes.Cut(rest[:at-len("https://")], []byte(":"))
		os.Stdout.Write([]byte("username=" + string(user) + "\npassword=" + string(pass) + "\n"))
		return
	}
}

// readFile is os.ReadFile without the runtime's poller, which os.Open
// starts for any file (epoll, eventfd, fcntls): a blocking descriptor
// wrapped by os.NewFile stays out of it, as the helper's (internal/nopoll).
func readFile(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	return io.ReadAll(f)
}
