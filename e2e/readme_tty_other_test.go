//go:build !linux

package e2e

import (
	"errors"
	"os/exec"
)

func runOnTTY(cmd *exec.Cmd, input string) (string, error) {
	return "", errors.New("show -tty needs Linux pseudo-terminals")
}
