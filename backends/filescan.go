package backends

import (
	"bytes"
	"io"
	"runtime"
	"strings"
)

// splitScanMin is the file size from which a search splits the file in
// two and searches both halves at once. git waits for every get, and the
// search of a large file is most of its time (bench/results.md); a second
// goroutine, and the thread it may need, cost less than a millisecond's
// search only above about this size.
const splitScanMin = 1 << 20

// scanSpansAt is scanSpans over the file r of the given size: with a
// second processor and a large file, the half from the first line that
// starts at or after the middle is searched by a second goroutine while
// this one searches the first, and the results are joined in file order.
// The second half reads to end of file, as scanSpans does, so a file that
// grew since its size was taken is read whole.
func scanSpansAt(r io.ReaderAt, size int64, host string, bufSize int, out *strings.Builder, spans *[]span) error {
	cut := int64(0)
	if size >= splitScanMin && runtime.GOMAXPROCS(0) > 1 {
		cut = lineStartFrom(r, size/2)
	}
	if cut <= 0 {
		return scanSpans(io.NewSectionReader(r, 0, 1<<62), host, bufSize, out, spans)
	}
	type half struct {
		text  strings.Builder
		spans []span
		err   error
	}
	second := new(half)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var sp *[]span
		if spans != nil {
			sp = &second.spans
		}
		second.err = scanSpans(io.NewSectionReader(r, cut, 1<<62-cut), host, bufSize, &second.text, sp)
	}()
	err := scanSpans(io.NewSectionReader(r, 0, cut), host, bufSize, out, spans)
	<-done
	if err == nil {
		err = second.err
	}
	if err != nil {
		return err
	}
	out.WriteString(second.text.String())
	if spans != nil {
		for _, s := range second.spans {
			*spans = append(*spans, span{cut + s.off, s.n})
		}
	}
	return nil
}

// lineStartFrom returns the offset of the first line of r that starts at
// or after from (0 when there is none, or r cannot be read there: the
// caller then does not split).
func lineStartFrom(r io.ReaderAt, from int64) int64 {
	var buf [4096]byte
	for at := from - 1; ; at += int64(len(buf)) {
		n, err := r.ReadAt(buf[:], at)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return at + int64(i) + 1
		}
		if err != nil {
			return 0
		}
	}
}
