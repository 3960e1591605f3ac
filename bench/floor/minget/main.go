// Command minget is bench/run.sh's floor of a Go credential get: it reads
// the query on stdin, finds the first line of the credential-store file
// named by its argument whose host matches, and prints its username and
// password. It skips everything a real helper must do; do not use it.
package main

import (
	"bytes"
	"os"
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
	data, err := os.ReadFile(os.Args[1])
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
