package backends

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/git-credential-pat/git-credential-pat/internal/shquote"
)

// CheckCreatable reports, for a credentials file that does not exist yet,
// why the first write could not create it (its directories included):
// the nearest directory that exists is not writable, or is on a read-only
// file system. nil when it can, or when that cannot be told ahead.
func CheckCreatable(path string) error {
	dir := filepath.Dir(path)
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				return nil // the write names that problem itself
			}
			if err := writable(dir); err != nil {
				return &fs.PathError{Op: "create a file in", Path: dir, Err: err}
			}
			return nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// CreateAdvice is what to do about err, an error creating the file
// store's directory or a file in it: the directory that refused and the
// ways around it.
func CreateAdvice(err error) string {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return ""
	}
	dir := pe.Path
	if pe.Op == "mkdir" { // it is the parent that refused
		dir = filepath.Dir(dir)
	}
	elsewhere := "or keep the tokens elsewhere: git-credential-pat --file PATH setup (a writable PATH), git-credential-pat --store cache setup (in memory) or git-credential-pat --store keychain setup"
	switch {
	case errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("; %s is on a read-only file system: mount it read-write, %s", dir, elsewhere)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("; you need write permission in %s: chmod u+w %s, %s", dir, shquote.Quote(dir), elsewhere)
	}
	return ""
}
