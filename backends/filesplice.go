package backends

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/internal/nopoll"
)

// What updateSpliced did.
type spliced int

const (
	splicedNotApplicable spliced = iota // nothing: rewrite the whole file
	splicedNoChange                     // the change changes nothing
	splicedWritten                      // the new file is in the lock file
)

// updateSpliced writes to the lock file what update's rewrite would, byte
// for byte, without parsing or rendering the lines that cannot name host:
// the new lines change puts first, then the old file with the lines it
// removes cut out, copied by the kernel where it can (io.Copy from a file
// to a file is copy_file_range on Linux). A 100,000-entry file then costs a
// scan and a copy, not a parse and a render.
//
// It applies when the lines that can name host are plain (no #pat meta
// lines, each entry written as render writes it, so render would not
// change them), the file ends with a newline, and change only adds lines
// first and removes lines; otherwise it leaves the lock file untouched.
//
// k, when not nil, is this request's look at the file, still valid (see
// kept): its lines and spans are used instead of searching the file again.
func (f *FileStore) updateSpliced(ctx context.Context, k *fileRead, path string, lock *os.File, lockPath, host string, change func([]line) ([]line, bool)) (spliced, error) {
	if host == "" {
		return splicedNotApplicable, nil
	}
	var (
		old   *os.File
		st    fs.FileInfo
		text  string
		spans []span
	)
	if k != nil { // readFile keeps only a regular file with content
		old, st, text, spans = k.fh, k.info, k.text, k.spans
	} else {
		// Only a regular file: opening a FIFO (or a device) could block,
		// and what it gives cannot be read twice.
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			return splicedNotApplicable, nil
		}
		fh, err := nopoll.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return splicedNotApplicable, nil
		}
		if err != nil {
			return 0, fmt.Errorf("file store: %w", err)
		}
		defer fh.Close()
		if st, err = fh.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			return splicedNotApplicable, nil
		}
		f.warnMode(path, st)
		var b strings.Builder
		if err := scanFile(fh, st.Size(), host, int(min(st.Size()+1, scanBufSize)), &b, &spans); err != nil {
			return 0, fmt.Errorf("file store: reading %s: %w", path, err)
		}
		old, text = fh, b.String()
	}
	var last [1]byte
	if _, err := old.ReadAt(last[:], st.Size()-1); err != nil || last[0] != '\n' {
		return splicedNotApplicable, nil
	}
	lines := parse(text, host, true)
	if len(lines) != len(spans) {
		return splicedNotApplicable, nil
	}
	for _, l := range lines {
		if l.meta != nil || l.entry != nil && render([]line{l}) != l.raw+"\n" {
			return splicedNotApplicable, nil
		}
	}
	out, changed := change(lines)
	if !changed {
		return splicedNoChange, nil
	}
	// out must be new lines, then lines in their order with some left out.
	same := func(a, b line) bool {
		if a.entry != nil || b.entry != nil {
			return a.entry == b.entry
		}
		return a.meta == nil && b.meta == nil && a.raw == b.raw
	}
	var first []line
	removed := make([]bool, len(lines))
	p, kept := 0, false
	for _, o := range out {
		q := p
		for q < len(lines) && !same(lines[q], o) {
			q++
		}
		if q == len(lines) {
			if kept {
				return splicedNotApplicable, nil // a new line after old ones
			}
			first = append(first, o)
			continue
		}
		for ; p < q; p++ {
			removed[p] = true
		}
		p, kept = q+1, true
	}
	for ; p < len(lines); p++ {
		removed[p] = true
	}
	if _, err := lock.WriteString(render(first)); err != nil {
		return 0, fmt.Errorf("file store: writing %s: %w", lockPath, err)
	}
	var from int64
	for i, sp := range spans {
		if removed[i] {
			if err := copyRange(lock, old, from, sp.off); err != nil {
				return 0, fmt.Errorf("file store: copying %s to %s: %w", path, lockPath, err)
			}
			from = sp.off + sp.n
		}
	}
	if err := copyRange(lock, old, from, st.Size()); err != nil {
		return 0, fmt.Errorf("file store: copying %s to %s: %w", path, lockPath, err)
	}
	return splicedWritten, nil
}

// copyRange appends bytes [from, to) of src to dst. io.Copy from an
// *io.LimitedReader of an *os.File to an *os.File copies in the kernel
// (copy_file_range, or splice/sendfile) where the system has it, and
// through a buffer elsewhere.
func copyRange(dst, src *os.File, from, to int64) error {
	if to <= from {
		return nil
	}
	if _, err := src.Seek(from, io.SeekStart); err != nil {
		return err
	}
	n, err := io.Copy(dst, &io.LimitedReader{R: src, N: to - from})
	if err == nil && n != to-from {
		err = fmt.Errorf("copied %d of %d bytes (the file shrank while locked?)", n, to-from)
	}
	return err
}
