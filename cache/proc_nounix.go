//go:build !unix || aix || solaris

package cache

import (
	"errors"
	"os"
)

// The daemon needs flock and Unix file ownership; elsewhere it refuses to
// start (cache/daemon) and the client reports why.

var errUnsupported = errors.New("the cache daemon is not supported on this system")

// checkPrivateDir reports a missing directory as the unix version does
// (nothing listens there), and refuses any other.
func checkPrivateDir(dir string) error {
	if _, err := os.Lstat(dir); err != nil {
		return err
	}
	return errUnsupported
}
