//go:build unix

package main

import (
	"os"
	"syscall"
)

// run replaces this process with path: same argv (argv[0] included, so
// the process looks the same to ps and to git), environment, standard
// streams and process id, so its exit status is this command's. It returns
// only if exec failed.
func run(path string, args []string) error {
	return syscall.Exec(path, append([]string{os.Args[0]}, args...), os.Environ())
}

func restrictUmask() { syscall.Umask(0o077) }
