//go:build !unix

package nopoll

import (
	"io/fs"
	"os"
)

// Open is os.Open: only Unix systems hand files to a poller on open.
func Open(name string) (*os.File, error) { return os.Open(name) }

// OpenFile is os.OpenFile.
func OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(name, flag, perm)
}
