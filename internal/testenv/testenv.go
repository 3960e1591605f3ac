// Package testenv is the project's one rule for what a test needs from the
// machine it runs on: under CI=true, where .ci/run installs every tool the
// tests use and runs them as root, a missing piece fails the test (a
// broken CI image must not pass as skipped tests); elsewhere it skips the
// test and says what is missing. Only tests import it.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run under CI=true.
func CI() bool { return os.Getenv("CI") == "true" }

// Unavailable ends the test for want of what format describes: a failure
// under CI, a skip elsewhere.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		tb.Fatal(msg + " (CI=true: .ci/run provides it, so this is a broken CI machine)")
	}
	tb.Skip(msg)
}

// Tool returns the path of the command name, or ends the test as
// Unavailable; hint says where it comes from (a Debian package).
func Tool(tb testing.TB, name, hint string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Unavailable(tb, "%s is not installed (%s): %v", name, hint, err)
	}
	return p
}

// Root ends the test as Unavailable unless it runs as root; what says
// what needs root.
func Root(tb testing.TB, what string) {
	tb.Helper()
	if os.Geteuid() != 0 {
		Unavailable(tb, "%s needs root", what)
	}
}
