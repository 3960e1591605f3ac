//go:build !unix || aix || solaris

package cache

import "errors"

// The daemon needs flock and Unix file ownership; elsewhere it refuses to
// start (cache/daemon) and the client reports why.

var errUnsupported = errors.New("the cache daemon is not supported on this system")

func checkPrivateDir(string) error { return errUnsupported }
