package backends

import (
	"io/fs"
	"sync"
)

// readMemo keeps the lines the last search of a credentials file found
// for a host, with the stamp of the file it read, so that one request
// reads a large file once. git's store looks three times: the server asks
// whether the token is already stored, the reference check whether a
// secret reference stands for it, and the write searches again under the
// lock. Each is a full read at 100,000 entries.
//
// A stamp (see fileStamp) that differs in any part means another file or
// other contents, and the file is read again. Every writer that takes the
// lock (ours, git's credential-store) renames a new file into place, which
// changes the inode; a writer that changes the file in place changes its
// size or times. So the lines reused under the lock are those a read under
// the lock would find. Where a system gives no stamp, nothing is kept.
type readMemo struct {
	mu    sync.Mutex
	path  string
	host  string
	stamp fileStamp
	text  string // the candidate lines, as scanSpans writes them
	spans []span // where each lies in the file
}

// scanFile searches a whole regular file (scanSpansAt): a variable so that
// a test can count the reads.
var scanFile = scanSpansAt

// recall returns what the last search of path for host found, if the file
// still has that stamp.
func (m *readMemo) recall(path, host string, st fs.FileInfo) (string, []span, bool) {
	stamp, ok := stampOf(st)
	if !ok {
		return "", nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.path != path || m.host != host || m.stamp != stamp {
		return "", nil, false
	}
	return m.text, m.spans, true
}

// remember keeps what a search of path (with the Stat st taken before it
// read) found for host.
func (m *readMemo) remember(path, host string, st fs.FileInfo, text string, spans []span) {
	stamp, ok := stampOf(st)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.path, m.host, m.stamp, m.text, m.spans = path, host, stamp, text, spans
}
