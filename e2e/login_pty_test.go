//go:build linux

package e2e

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// ttyOf finds the process running our binary with marker in its arguments
// and returns the terminal on its stdin.
func ttyOf(marker string) (string, bool) {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		cmdline, err := os.ReadFile(filepath.Join(p, "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if len(args) == 0 || args[0] != bin || !strings.Contains(string(cmdline), marker) {
			continue
		}
		tty, err := os.Readlink(filepath.Join(p, "fd", "0"))
		if err == nil && strings.HasPrefix(tty, "/dev/pts/") {
			return tty, true
		}
	}
	return "", false
}

// Typing the token at a terminal: it is not echoed, and it is stored.
func TestLoginNoEchoOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("script (util-linux) not installed")
		}
		t.Skip("script (util-linux) not installed")
	}
	if _, err := exec.LookPath("stty"); err != nil {
		t.Skip("stty not installed")
	}
	e := gittest.NewEnv(t)
	token := cmdsToken("ghp_", rand1)
	marker := fmt.Sprintf("pty-%d", time.Now().UnixNano())

	// script gives the command a pseudo-terminal and copies our stdin to it
	// and its output to our stdout.
	cmd := exec.Command(script, "-qec", bin+" login --username "+marker, "/dev/null")
	cmd.Env, cmd.Dir = e.Vars, e.Home
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out gittest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; output so far:\n%s", what, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the prompt", func() bool { return strings.Contains(out.String(), "Token for https://"+marker+"@github.com") })
	// Type only once the terminal no longer echoes: checked, not assumed.
	waitFor("echo to be turned off", func() bool {
		tty, ok := ttyOf(marker)
		if !ok {
			return false
		}
		mode, err := exec.Command("stty", "-F", tty, "-a").Output()
		return err == nil && strings.Contains(" "+strings.ReplaceAll(string(mode), "\n", " ")+" ", " -echo ")
	})
	if _, err := io.WriteString(stdin, token+"\r"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("login through a terminal: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("login did not finish; output:\n%s", out.String())
	}

	shown := out.String()
	for i := 0; i+8 <= len(token); i += 4 {
		if strings.Contains(shown, token[i:i+8]) {
			t.Fatalf("part of the token appeared on the terminal:\n%s", shown)
		}
	}
	if !strings.Contains(shown, "(input is hidden; create one at https://github.com/settings/personal-access-tokens): ") ||
		!strings.Contains(shown, "Stored GitHub classic personal access token ghp_****"+token[36:]+" for https://"+marker+"@github.com in store file") {
		t.Fatalf("terminal session:\n%s", shown)
	}
	fill := credential(t, e, nil, "fill", "protocol=https", "host=github.com", "username="+marker)
	if !strings.Contains(fill, "password="+token+"\n") {
		t.Fatalf("git credential fill after a terminal login = %q", fill)
	}
}
