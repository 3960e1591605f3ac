//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// runOnTTY runs cmd with a new pseudo-terminal as its stdin and stdout and
// stderr merged into one buffer, as a person at a terminal sees them.
// Once the program has turned echo off (it is reading hidden input), it
// types input on the terminal. It returns the output, and an error if the
// program failed or never read hidden input.
func runOnTTY(cmd *exec.Cmd, input string) (string, error) {
	ptmx, tty, err := openPTY()
	if err != nil {
		return "", fmt.Errorf("opening a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	var out strings.Builder
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &out, &out
	if err := cmd.Start(); err != nil {
		tty.Close()
		return "", err
	}
	tty.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Wait for the program to turn echo off, or to exit without doing so.
	// The deadline only turns a hang into a failure.
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case err := <-done:
			return out.String(), fmt.Errorf("it exited (%v) before reading hidden input from the terminal", err)
		default:
		}
		t, err := unix.IoctlGetTermios(int(ptmx.Fd()), unix.TCGETS)
		if err != nil {
			return "", err
		}
		if t.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			return out.String(), fmt.Errorf("it did not read hidden input from the terminal within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := ptmx.WriteString(input); err != nil {
		return "", err
	}
	err = <-done
	return out.String(), err
}

// openPTY opens a new pseudo-terminal pair.
func openPTY() (ptmx, tty *os.File, err error) {
	ptmx, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(ptmx.Fd())
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0)
	}
	if err == nil {
		tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	}
	if err != nil {
		ptmx.Close()
		return nil, nil, err
	}
	return ptmx, tty, nil
}
