//go:build linux

package e2e

import (
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// interactive is a command on a real pseudo-terminal (util-linux script
// copies what the test types to it, and what it shows back): for the
// prompts and questions a person answers.
type interactive struct {
	t        *testing.T
	cmd      *exec.Cmd
	typed    io.WriteCloser
	shown    gittest.SyncBuffer
	finished chan struct{}
	err      error // the command's, once finished is closed
}

// startOnTerminal starts the shell command line on a pseudo-terminal, in
// e's home with e's environment. It is killed at the end of the test if it
// is still running.
func startOnTerminal(t *testing.T, e *gittest.Env, line string) *interactive {
	t.Helper()
	script := requireTool(t, "script", "util-linux")
	it := &interactive{t: t, finished: make(chan struct{})}
	it.cmd = exec.Command(script, "-qec", line, "/dev/null")
	it.cmd.Env, it.cmd.Dir = e.Vars, e.Home
	var err error
	if it.typed, err = it.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	it.cmd.Stdout, it.cmd.Stderr = &it.shown, &it.shown
	if err := it.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { it.err = it.cmd.Wait(); close(it.finished) }()
	t.Cleanup(func() {
		it.typed.Close()
		select {
		case <-it.finished:
		default:
			it.cmd.Process.Kill()
			<-it.finished
		}
	})
	return it
}

// Shown is everything the terminal has shown so far.
func (it *interactive) Shown() string { return it.shown.String() }

// Type sends s to the terminal as if typed ("\r" is the Enter key).
func (it *interactive) Type(s string) {
	it.t.Helper()
	if _, err := io.WriteString(it.typed, s); err != nil {
		it.t.Fatal(err)
	}
}

// WaitFor polls ok until it holds; after 30 s the test fails with what the
// terminal showed.
func (it *interactive) WaitFor(what string, ok func() bool) {
	it.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			it.t.Fatalf("timed out waiting for %s; the terminal showed:\n%s", what, it.Shown())
		}
	}
}

// Wait waits up to limit for the command to end and returns its error.
func (it *interactive) Wait(limit time.Duration) error {
	it.t.Helper()
	select {
	case <-it.finished:
		return it.err
	case <-time.After(limit):
		it.t.Fatalf("the command did not end within %v; the terminal showed:\n%s", limit, it.Shown())
		return nil
	}
}
