//go:build !unix || aix || solaris

package daemon

import "errors"

// The daemon needs flock and Unix file ownership; elsewhere it refuses to
// start and the client reports why.

var errUnsupported = errors.New("the cache daemon is not supported on this system")

func lockFile(string) (func(), error) { return nil, errUnsupported }

func checkPrivateDir(string) error { return errUnsupported }

func limitCore() {}
