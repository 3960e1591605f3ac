//go:build !unix

package main

import "os"

// gitcacheclient is a floor of the unix cache client; git's cache has no
// unix sockets to talk to elsewhere.
func main() {
	os.Stderr.WriteString("gitcacheclient: unix only\n")
	os.Exit(2)
}
