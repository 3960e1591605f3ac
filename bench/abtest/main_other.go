//go:build !unix

package main

import "os"

// abtest starts its runs with fork and exec; the timings it exists for
// are of the unix helper.
func main() {
	os.Stderr.WriteString("abtest: unix only\n")
	os.Exit(2)
}
