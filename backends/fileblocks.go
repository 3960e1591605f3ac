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
//
// Some texts keep raising alarms wherever the anchors go (a host that
// repeats itself, "aaaa", in a file of long runs of 'a'; lines that differ
// from the host each in another place). Once the alarms have cost more
// than a quarter of what the search has scanned (past a first allowance),
// the search hands the rest to the per-needle searches (eachFinders),
// whose cost does not depend on them. Held just below that, a text costs
// about 1.4x what those searches cost (worst found); the files these
// searches were made for cost a half or less.
type blockSearch struct {
	host         string
	newer, older int      // anchor offsets into host
	pats         [64]byte // host[lo], host[hi], '%', '*', 16 times each
	scanned      int      // bytes of text searched so far
	wasted       int      // what the false alarms so far cost, in bytes' worth
	fallback     finders  // the per-needle searches, once the alarms cost too much
}

// What a false alarm costs, in bytes of scanning (blockScan's byte, about
// 0.1 ns here): about alarmCost to leave the scan, look, move an anchor
// and come back, and alarmByteCost for each byte of the host it compares
// (a byte at a time). The first alarmAllowance are free, so the anchors
// can settle however early the alarms come.
const (
	alarmCost      = 256
	alarmByteCost  = 8
	alarmAllowance = 16 << 10
)

// maxBlockHost is the longest host blockSearch is for: a DNS name has at
// most 253 bytes. Each block's loads reach as far as the far anchor, so
// the blocks stop that far short of each chunk's end, and a host of
// kilobytes would leave kilobytes to the byte-at-a-time tail.
const maxBlockHost = 255

func newBlockSearch(host string) *blockSearch {
	s := &blockSearch{host: host}
	for i := range 16 {
		s.pats[32+i] = '%'
		s.pats[48+i] = '*'
	}
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
	}
}

// alarming reports whether the false alarms have cost more than a quarter
// of the search so far.
func (s *blockSearch) alarming(at int) bool {
	return s.wasted > alarmAllowance+(s.scanned+at)/4
}

// lineStarts appends to out the offset of each line of text that holds
// the host (plain), a '%' or a '*', in order, each line once. out is
// never nil: nil tells parse to take every line.
func (s *blockSearch) lineStarts(text string, out []int) []int {
	if out == nil {
		out = []int{}
	}
	defer func() { s.scanned += len(text) }()
	next := 0 // where the search goes on: past the last line found
	for at := 0; at < len(text); {
		if s.fallback.each != nil {
			return s.handOff(text, at, out)
		}
		lo, hi := min(s.newer, s.older), max(s.newer, s.older)
		block, mask := blockScan(unsafe.StringData(text), len(text), at, lo, hi, &s.pats)
		if mask == 0 {
			// The blocks ended short of the text's end: what is left is
			// shorter than the far anchor plus a block.
			for j := block; j < len(text); j++ { // block >= at >= next
				if s.holds(text, j) {
					if out, j = addLine(text, j, out); j < 0 {
						return out
					}
				}
			}
			return out
		}
		for ; mask != 0; mask &= mask - 1 {
			if j := block + bits.TrailingZeros32(mask); j >= next && s.holds(text, j) {
				if out, next = addLine(text, j, out); next < 0 {
					return out
				}
				next++
			}
		}
		at = max(block+16, next)
		if s.alarming(at) {
			s.fallback = eachFinders(s.host)
		}
	}
	return out
}

// handOff appends the lines the per-needle searches find from the line
// that holds text[at] on (no line of which is in out yet).
func (s *blockSearch) handOff(text string, at int, out []int) []int {
	from := strings.LastIndexByte(text[:at], '\n') + 1
	for _, start := range s.fallback.candidates(text[from:]) {
		out = append(out, from+start)
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
	k := 0
	for k < len(h) && j+k < len(text) && text[j+k] == h[k] {
		k++
	}
	s.wasted += alarmCost + k*alarmByteCost
	if k < len(h) && j+k < len(text) {
		s.anchor(k, s.newer)
	}
	return false
}

// addLine appends the start of the line holding text[j] to out and
// returns the offset of the newline that ends it (-1: the text ends
// first).
func addLine(text string, j int, out []int) ([]int, int) {
	out = append(out, strings.LastIndexByte(text[:j], '\n')+1)
	if nl := strings.IndexByte(text[j:], '\n'); nl >= 0 {
		return out, j + nl
	}
	return out, -1
}

// blockScanPortable is what blockScan does (fileblocks_amd64.go), one
// byte at a time: blockScan where there is no assembly, and what its
// tests hold the assembly to.
func blockScanPortable(s *byte, n, at, lo, hi int, pats *[64]byte) (block int, mask uint32) {
	text := unsafe.Slice(s, n)
	for ; at+hi+16 <= n; at += 16 {
		for i := range 16 {
			p := at + i
			if text[p+lo] == pats[i] && text[p+hi] == pats[16+i] || text[p] == pats[32+i] || text[p] == pats[48+i] {
				mask |= 1 << i
			}
		}
		if mask != 0 {
			return at, mask
		}
	}
	return at, 0
}
