package nopoll

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// childEnv makes the test binary open a file and report whether the
// runtime's poller (an epoll descriptor) exists, then exit: a fresh
// process, so no earlier test has started the poller.
const childEnv = "NOPOLL_TEST_OPEN_WITH"

func TestMain(m *testing.M) {
	if with := os.Getenv(childEnv); with != "" {
		os.Exit(child(with))
	}
	os.Exit(m.Run())
}

func child(with string) int {
	path := os.Args[0] // any regular file
	open := map[string]func(string) (*os.File, error){"os.Open": os.Open, "nopoll.Open": Open}[with]
	f, err := open(path)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	var b [16]byte
	if _, err := f.Read(b[:]); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	f.Close()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	for _, fd := range fds {
		if link, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); strings.Contains(link, "eventpoll") {
			fmt.Println("poller")
			return 0
		}
	}
	fmt.Println("no poller")
	return 0
}

// TestOpenStartsNoPoller: os.Open of a regular file starts the runtime's
// poller (which proves the check can see it); Open does not.
func TestOpenStartsNoPoller(t *testing.T) {
	for with, want := range map[string]string{"os.Open": "poller", "nopoll.Open": "no poller"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+with)
		out, err := cmd.Output()
		if got := strings.TrimSpace(string(out)); err != nil || got != want {
			t.Errorf("after %s: %q (%v), want %q", with, got, err, want)
		}
	}
}
