//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// run runs path with args on this process's standard streams and exits
// with its status (there is no exec(2) to replace this process with).
func run(path string, args []string) error {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}

// restrictUmask does nothing where there is no umask (see cli.RestrictUmask).
func restrictUmask() {}
