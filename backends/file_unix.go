//go:build unix

package backends

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// fileOwner returns the uid that owns path.
func fileOwner(path string) (int, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}

// ownerOf returns the uid in st (from Stat or Lstat).
func ownerOf(st fs.FileInfo) (int, bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}

// foreignLinkInSharedDir reports the owner of the symlink path (link is
// its Lstat) when another user owns it and its directory is world-writable
// and sticky (/tmp): the case the kernel's protected_symlinks refuses to
// follow, and which a program that resolves the link itself must refuse.
func foreignLinkInSharedDir(path string, link fs.FileInfo) (int, bool) {
	uid, ok := ownerOf(link)
	if !ok || uid == os.Geteuid() {
		return 0, false
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil || dir.Mode()&fs.ModeSticky == 0 || dir.Mode().Perm()&0o002 == 0 {
		return 0, false
	}
	return uid, true
}

// writable reports whether this process may create files in the
// directory dir (write and search permission, a file system mounted
// read-write), as the kernel would decide for a create.
func writable(dir string) error {
	return syscall.Access(dir, 0x2|0x1) // W_OK|X_OK
}
