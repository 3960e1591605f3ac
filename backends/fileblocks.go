package backends

import (
	"math/bits"
	"strings"
	"unsafe"
)

// blockSearch finds the lines of a credentials file that can name a host
// in one pass, 16 bytes at a time: a line that holds the host, or a '%'
// or '*' (an escape or a wildcard, which a substring search cannot judge).
//
// blockScan compares two bytes of the host, its anchors, at 16 positions
// at once, and '%' and '*' at the same 16; only where it finds something
// does Go look closer. A false alarm (both anchors match, the host does
// not) makes the byte of the host that differed an anchor in place of the
// older one. A file of hosts that share their first and last bytes
// ("host000001.example.com", "github.com" beside "gitlab.com") would
// otherwise stop the scan on nearly every line; this way the anchors soon
// sit where the hosts differ.
type blockSearch struct {
	host         string
	newer, older int      // anchor offsets into host
	pats         [64]byte // host[lo], host[hi], '%', '*', 16 times each
	alarms       int      // false alarms so far (tests and benchmarks)
}

func newBlockSearch(host string) *blockSearch {
	s := &blockSearch{host: host}
	s.anchor(0, len(host)-1)
	return s
}

// anchor makes newer and older the offsets the next scans compare.
func (s *blockSearch) anchor(newer, older int) {
	s.newer, s.older = newer, older
	lo, hi := min(newer, older), max(newer, older)
	for i := range 16 {
		s.pats[i] = s.host[lo]
		s.pats[16+i] = s.host[hi]
		s.pats[32+i] = '%'
		s.pats[48+i] = '*'
	}
}

// lineStarts appends to out the offset of each line of text that holds
// the host (plain), a '%' or a '*', in order, each line once.
func (s *blockSearch) lineStarts(text string, out []int) []int {
	last := -1
	at := 0
	for at < len(text) {
		lo, hi := min(s.newer, s.older), max(s.newer, s.older)
		block, mask := blockScan(unsafe.StringData(text), len(text), at, lo, hi, &s.pats)
		if mask == 0 {
			// The blocks ended short of the text's end: what is left is
			// shorter than the far anchor plus a block.
			for j := block; j < len(text); j++ {
				if s.holds(text, j) {
					out, last = addLineStart(text, j, out, last)
				}
			}
			return out
		}
		for ; mask != 0; mask &= mask - 1 {
			if j := block + bits.TrailingZeros32(mask); s.holds(text, j) {
				out, last = addLineStart(text, j, out, last)
			}
		}
		at = block + 16
	}
	return out
}

// holds reports whether the line search wants the line at text[j]: a '%'
// or '*' there, or the host starting there. A miss whose anchors matched
// moves an anchor to the first byte that differed.
func (s *blockSearch) holds(text string, j int) bool {
	if c := text[j]; c == '%' || c == '*' {
		return true
	}
	h := s.host
	if len(text)-j >= len(h) && text[j:j+len(h)] == h {
		return true
	}
	if hi := max(s.newer, s.older); j+hi >= len(text) || text[j+s.newer] != h[s.newer] || text[j+s.older] != h[s.older] {
		return false // a position of the tail that is no alarm at all
	}
	s.alarms++
	for k := 0; k < len(h) && j+k < len(text); k++ {
		if text[j+k] != h[k] {
			s.anchor(k, s.newer)
			break
		}
	}
	return false
}

// addLineStart appends the start of the line holding text[j] to out,
// unless it is last (the line already found).
func addLineStart(text string, j int, out []int, last int) ([]int, int) {
	start := strings.LastIndexByte(text[:j], '\n') + 1
	if start != last {
		out = append(out, start)
	}
	return out, start
}

// blockScanPortable is what blockScan does (fileblocks_amd64.go), one
// byte at a time: blockScan where there is no assembly, and what its
// tests hold the assembly to.
func blockScanPortable(s *byte, n, at, lo, hi int, pats *[64]byte) (block int, mask uint32) {
	text := unsafe.Slice(s, n)
	for ; at+hi+16 <= n; at += 16 {
		for i := range 16 {
			p := at + i
			if text[p+lo] == pats[0] && text[p+hi] == pats[16] || text[p] == pats[32] || text[p] == pats[48] {
				mask |= 1 << i
			}
		}
		if mask != 0 {
			return at, mask
		}
	}
	return at, 0
}
