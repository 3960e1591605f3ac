//go:build unix && !aix && !solaris

package cache

import "github.com/git-credential-pat/git-credential-pat/internal/unixsock"

// checkPrivateDir refuses a socket directory other users could reach into,
// or a symlink, which someone could point elsewhere between checks.
func checkPrivateDir(dir string) error { return unixsock.CheckPrivateDir(dir) }
