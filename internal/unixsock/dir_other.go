//go:build !unix || aix || solaris

package unixsock

import (
	"errors"
	"syscall"
)

// ErrUnsupported: the daemons need Unix file ownership; elsewhere they
// refuse to start and their clients report why.
var ErrUnsupported = errors.New("unix socket daemons are not supported on this system")

func Detached() *syscall.SysProcAttr { return nil }

func CheckPrivateDir(string) error { return ErrUnsupported }
