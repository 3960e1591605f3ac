//go:build linux

package e2e

import (
	"fmt"
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
	if _, err := exec.LookPath("stty"); err != nil {
		t.Skip("stty not installed")
	}
	e := gittest.NewEnv(t)
	token := cmdsToken("ghp_", rand1)
	marker := fmt.Sprintf("pty-%d", time.Now().UnixNano())

	login := startOnTerminal(t, e, bin+" login --username "+marker)
	login.WaitFor("the prompt", func() bool { return strings.Contains(login.Shown(), "Token for https://"+marker+"@github.com") })
	// Type only once the terminal no longer echoes: checked, not assumed.
	login.WaitFor("echo to be turned off", func() bool {
		tty, ok := ttyOf(marker)
		if !ok {
			return false
		}
		mode, err := exec.Command("stty", "-F", tty, "-a").Output()
		return err == nil && strings.Contains(" "+strings.ReplaceAll(string(mode), "\n", " ")+" ", " -echo ")
	})
	login.Type(token + "\r")
	if err := login.Wait(30 * time.Second); err != nil {
		t.Fatalf("login through a terminal: %v\n%s", err, login.Shown())
	}

	shown := login.Shown()
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
