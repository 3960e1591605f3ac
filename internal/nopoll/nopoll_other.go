//go:build !unix

package nopoll

import (
	"errors"
	"io/fs"
	"os"
)

// Open is os.Open: only Unix systems hand files to a poller on open.
func Open(name string) (*os.File, error) { return os.Open(name) }

// ErrNotRegular is what OpenRegular's error wraps for a name that exists
// but is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular is os.Open for a regular file; anything else is refused.
func OpenRegular(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	return f, nil
}

// OpenFile is os.OpenFile.
func OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(name, flag, perm)
}
