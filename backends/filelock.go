package backends

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/shquote"
)

// maxLockWait bounds the whole wait for the lock, however busy the file
// is or however long a live writer of ours holds it. A variable for tests.
var maxLockWait = 2 * time.Minute

// lockState is what probeLock learnt about the lock's holder.
type lockState int

const (
	lockGone    lockState = iota // released while we looked: try again now
	lockStale                    // a crashed writer of ours; probeLock removed it
	lockLive                     // a writer of ours that is alive (maybe stopped or descheduled)
	lockForeign                  // git's credential-store, or a writer we cannot ask: judged by time
)

// lockPermissionError says that the lock file next to the credentials
// file cannot be created, and the command that lets it be (the directory
// quoted for the shell: a path may hold spaces or a '$').
func lockPermissionError(lock string, err error) error {
	dir := filepath.Dir(lock)
	return fmt.Errorf("file store: creating lock %s: %w; a store writes a new file in %s, so you need write permission there: chmod u+w %s (or choose another --file)", lock, err, dir, shquote.Quote(dir))
}

// acquire creates the lock file exclusively. Who holds it decides how long
// we wait (see probeLock; flock where the system has it):
//   - a live writer of ours, however long it takes (descheduled on a busy
//     machine, stopped), up to maxLockWait;
//   - a crashed writer of ours: its lock is stale at once and removed;
//   - git's credential-store, which takes no flock: LockTimeout (1 s, like
//     git) per holder. While the lock keeps changing hands (a new lock file
//     each time) writers are making progress and we keep waiting, up to
//     maxLockWait; a lock that stays with one holder fails with advice.
func (f *FileStore) acquire(lock string) (*os.File, error) {
	start := time.Now()
	deadline := start.Add(f.LockTimeout)
	backoff := time.Millisecond
	var holder os.FileInfo
	for {
		fh, err := createLock(lock)
		if err == nil {
			return fh, nil
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, lockPermissionError(lock, err)
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("file store: creating lock %s: %w", lock, err)
		}
		state, info := probeLock(lock)
		now := time.Now()
		switch state {
		case lockGone, lockStale:
			continue // free now: take it
		case lockLive:
			if now.Sub(start) > maxLockWait {
				return nil, fmt.Errorf("file store: %s has been locked for over %v by another git-credential-pat that is still running (stopped or stuck?); see which with: fuser -v %s", strings.TrimSuffix(lock, ".lock"), maxLockWait, lock)
			}
		case lockForeign:
			if info != nil && (holder == nil || !os.SameFile(holder, info)) {
				holder, deadline = info, now.Add(f.LockTimeout)
			}
			if now.After(deadline) {
				return nil, fmt.Errorf("file store: %s is still locked after %v by the same writer; if no git or git-credential-pat is writing it, a crashed writer left the lock: remove %s", strings.TrimSuffix(lock, ".lock"), f.LockTimeout, lock)
			}
			if now.Sub(start) > maxLockWait {
				return nil, fmt.Errorf("file store: gave up waiting for %s after %v: too many writers at once", lock, maxLockWait)
			}
		}
		// Back off (with jitter) so a crowd of waiters does not starve the
		// holder of CPU, but poll often enough to notice a stale lock.
		time.Sleep(backoff/2 + rand.N(backoff))
		backoff = min(2*backoff, max(f.LockTimeout/4, time.Millisecond), 250*time.Millisecond)
	}
}
