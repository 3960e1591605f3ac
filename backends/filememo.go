package backends

import (
	"context"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// scanFile searches a whole regular file (scanSpansAt): a variable so that
// a test can count the reads.
var scanFile = scanSpansAt

// lookKey is where a get keeps the lines it found in the request's Looks.
type lookKey struct {
	f          *FileStore
	path, host string
}

// look is readAt for a get: within one request (credential.WithLooks) the
// lines for a host are read once. git's store looks twice before it writes
// (the server's "already stored?", the resolving store's reference check),
// and at 100,000 entries each look is a read of the whole file. A write
// never uses what a look kept: it reads again under the lock.
func (f *FileStore) look(ctx context.Context, path, host string) (string, error) {
	looks := credential.LooksOf(ctx)
	key := lookKey{f, path, host}
	if v, ok := looks.Load(key); ok {
		return v.(string), nil
	}
	data, err := f.readAt(path, host)
	if err == nil {
		looks.Store(key, data)
	}
	return data, err
}
