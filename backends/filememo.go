package backends

import (
	"context"
	"os"
	"runtime"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/nopoll"
)

// scanFile searches a whole regular file (scanSpansAt): a variable so that
// a test can count the reads.
var scanFile = scanSpansAt

// keepOpen tells whether a look keeps the file open for the write. Not on
// Windows: Go opens files there without FILE_SHARE_DELETE, and an open
// file cannot be replaced, by our rename or by another writer's.
const keepOpen = runtime.GOOS != "windows"

// lookKey is where a look keeps what it read in the request's Looks.
type lookKey struct {
	f          *FileStore
	path, host string
}

// look is readAt for a get: within one request (credential.WithLooks) the
// lines for a host are read once. git's store looks twice before it writes
// (the server's "already stored?", the resolving store's reference check),
// and at 100,000 entries each look is a read of the whole file. The file
// stays open until the request ends, so that the write can use this read
// too if the file has not changed by the time it holds the lock (kept).
func (f *FileStore) look(ctx context.Context, path, host string) (string, error) {
	looks := credential.LooksOf(ctx)
	if looks == nil {
		return f.readAt(ctx, path, host)
	}
	if r := f.looked(ctx, path, host); r != nil {
		return r.text, nil
	}
	r, err := f.readFile(ctx, path, host, keepOpen, false)
	if err != nil {
		return "", err
	}
	looks.Store(lookKey{f, path, host}, &r) // closed with the request (Looks.Close)
	return r.text, nil
}

// looked is what this request's look at path for host read, or nil.
func (f *FileStore) looked(ctx context.Context, path, host string) *fileRead {
	v, ok := credential.LooksOf(ctx).Load(lookKey{f, path, host})
	if !ok {
		return nil
	}
	return v.(*fileRead)
}

// racyWindow is how recently before a look a file may have been changed
// for the look's read still to be trusted by the write (see kept): a
// change in the same tick of the file's clock (some milliseconds on many
// Linux filesystems, 2 s on FAT) leaves its time as it was. git judges
// its index entries the same way ("racy git").
const racyWindow = 3 * time.Second

// kept returns this request's look at path for host if the file is still
// the one it read, unchanged: the path, opened again (which makes a
// network filesystem check with its server), names the file the look
// holds open (a file that is open keeps its inode, so a file renamed over
// it, as every writer that locks does, never passes for it), with the
// same size and modification time, and that time was well before the
// look (racyWindow). The caller holds the lock, so it stays so until the
// write. Otherwise nil: the write reads the file again.
func (f *FileStore) kept(ctx context.Context, path, host string) *fileRead {
	r := f.looked(ctx, path, host)
	if r == nil || r.fh == nil || r.at.Sub(r.info.ModTime()) < racyWindow {
		return nil
	}
	fh, err := nopoll.Open(path)
	if err != nil {
		return nil
	}
	named, err := fh.Stat()
	fh.Close()
	if err != nil || !os.SameFile(r.info, named) || named.Size() != r.info.Size() || !named.ModTime().Equal(r.info.ModTime()) {
		return nil
	}
	return r
}

// release closes the file this request's look at path for host holds
// open, before the write renames over it (a network filesystem would keep
// the replaced file while it is open); its lines stay for later looks.
func (f *FileStore) release(ctx context.Context, path, host string) {
	if r := f.looked(ctx, path, host); r != nil {
		r.Close()
	}
}
