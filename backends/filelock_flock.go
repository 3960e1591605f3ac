//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package backends

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/git-credential-pat/git-credential-pat/internal/nopoll"
)

// Our writers hold an exclusive flock on the lock file from before it is
// visible as the lock until after it is renamed into place or removed, so
// a waiter asks the kernel whether the holder is alive instead of guessing
// from the time it has held the lock. git's own credential-store takes no
// flock; its lock keeps the timeout rule. While we hold it, our lock file's
// owner-write bit is clear (mode 0400): that tells a crashed writer's lock
// of ours (stale, removed at once) from git's (waited for up to
// LockTimeout). The final mode 0600 is set just before the rename.
const (
	heldLockMode  = 0o400
	finalFileMode = 0o600
)

// createLock creates lock and takes its flock. It fails with an error
// wrapping fs.ErrExist when the lock exists or was broken as stale by a
// waiter before we could lock it.
func createLock(lock string) (*os.File, error) {
	fh, err := nopoll.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, heldLockMode)
	if err != nil {
		return nil, err
	}
	// Between the create and the flock a waiter may take this lock for a
	// crashed writer's and remove it; then the lock is no longer ours.
	if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fh.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s taken over: %w", lock, fs.ErrExist)
		}
		if errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.ENOLCK) {
			// A filesystem without flock: mark the lock as git's would be
			// (0600), so waiters judge it by time.
			if err := fh.Chmod(finalFileMode); err != nil {
				dropLock(fh, lock)
				return nil, err
			}
			return fh, nil
		}
		dropLock(fh, lock)
		return nil, fmt.Errorf("locking %s: %w", lock, err)
	}
	if !stillAt(lock, fh) {
		fh.Close()
		return nil, fmt.Errorf("lock %s taken over: %w", lock, fs.ErrExist)
	}
	return fh, nil
}

// stillAt reports whether path still names the file fh has open.
func stillAt(path string, fh *os.File) bool {
	a, err := fh.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// finishLock gives the lock file the credentials file's mode before it is
// renamed into place.
func finishLock(fh *os.File) error { return fh.Chmod(finalFileMode) }

// dropLock removes a lock we hold and then releases it: removed first, so
// that no waiter ever sees our lock file unlocked under the lock's name.
func dropLock(fh *os.File, lock string) {
	os.Remove(lock)
	fh.Close()
}

// probeLock tells who holds lock: a live writer of ours, a crashed one
// (whose lock it removes), or git (or an unknown writer), whose lock is
// judged by time; info identifies that holder.
func probeLock(lock string) (state lockState, info fs.FileInfo) {
	fh, err := nopoll.Open(lock)
	if errors.Is(err, fs.ErrNotExist) {
		return lockGone, nil
	}
	if err != nil {
		info, _ = os.Stat(lock)
		return lockForeign, info
	}
	defer fh.Close()
	if info, err = fh.Stat(); err != nil {
		return lockForeign, nil
	}
	if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return lockLive, info
		}
		return lockForeign, info // no flock here: time decides
	}
	// Nobody holds it, and while we do nobody of ours can take it.
	if !stillAt(lock, fh) {
		return lockGone, nil // it changed hands while we looked
	}
	if info.Mode().Perm()&0o200 != 0 {
		return lockForeign, info // git's, or ours on a filesystem without flock
	}
	// Ours, and its writer is gone: it never renamed it into place, so
	// the credentials file is intact and the lock only holds a lost write.
	if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return lockForeign, info
	}
	return lockStale, info
}
