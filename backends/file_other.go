//go:build !unix

package backends

import "io/fs"

// fileOwner is not checked where files have no uid owner (Windows ACLs
// already scope a user's profile directory).
func fileOwner(string) (int, bool) { return 0, false }

// foreignLinkInSharedDir: there are no sticky world-writable directories
// with per-user symlink ownership to check.
func foreignLinkInSharedDir(string, fs.FileInfo) (int, bool) { return 0, false }

// writable is not checked ahead where permissions are ACLs: the create
// itself says.
func writable(string) error { return nil }
