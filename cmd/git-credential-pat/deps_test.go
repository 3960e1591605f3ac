package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLinuxHelpersDoNotLinkGodbus: on Linux the keychain talks to the
// Secret Service through internal/dbus. A general D-Bus library's package
// inits would run on every git request the lean helper serves (issue #17),
// so neither command may link one.
func TestLinuxHelpersDoNotLinkGodbus(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go tool not found: %v", err)
	}
	for _, cmd := range []string{".", "../git-credential-pat-cli"} {
		c := exec.Command(goTool, "list", "-deps", cmd)
		c.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := c.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", cmd, err)
		}
		for _, pkg := range strings.Fields(string(out)) {
			if strings.HasPrefix(pkg, "github.com/godbus/") {
				t.Errorf("%s links %s on Linux; the Secret Service client must use internal/dbus", cmd, pkg)
			}
		}
	}
}
