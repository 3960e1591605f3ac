package backends

import "strings"

// finder finds every occurrence of a host name in a credentials file,
// where the processor has no blockScan (fileblocks.go), one needle at a
// time. A file of entries holds every byte of a host name on nearly every line
// ("https", "user", ".example.com"), which defeats strings.Index's
// first-byte scan (it compares at almost every position). finder skips by
// the last two bytes under its window (Boyer-Moore-Horspool on byte
// pairs): a pair the name does not hold moves the window a whole name
// length on. Two windows, one in each half of the text, advance in the
// same loop, so the processor overlaps their memory loads.
type finder struct {
	needle string
	skip   *[pairSlots]uint8 // shift for the byte pair ending the window, by pairSlot; built on first need
}

// pairSlots is the size of a finder's shift table: byte pairs share slots
// (each slot keeps the smallest shift of its pairs, which stays correct),
// so the table fits the processor's fastest cache.
const pairSlots = 1 << 12

// horspoolMin is the smallest text the shift table is built for. On less,
// strings.Index is as fast, and git's get on a small file (the common
// case) does not pay for a 4 KiB table it would fill and barely use.
const horspoolMin = 16 << 10

func pairSlot(a, b byte) int { return (int(a)<<5 ^ int(b)) & (pairSlots - 1) }

// setShift lowers the shift of the pair a, b to k.
func (f *finder) setShift(a, b byte, k int) {
	if i := pairSlot(a, b); int(f.skip[i]) > k {
		f.skip[i] = uint8(k)
	}
}

func newFinder(needle string) *finder { return &finder{needle: needle} }

// horspool reports whether to search s with the shift table, building it
// the first time.
func (f *finder) horspool(s string) bool {
	m := len(f.needle)
	if f.skip != nil {
		return true
	}
	if m < 3 || m > 255 || len(s) < horspoolMin {
		return false
	}
	needle := f.needle
	f.skip = new([pairSlots]uint8)
	for i := range f.skip {
		f.skip[i] = uint8(m)
	}
	// After a shift of m-1 only the window's last byte overlaps the name:
	// it must be the name's first.
	for b := range 256 {
		f.setShift(byte(b), needle[0], m-1)
	}
	// A shift of k puts the pair at positions m-2-k, m-1-k of the name;
	// the smallest such k wins.
	for k := m - 2; k >= 1; k-- {
		f.setShift(needle[m-2-k], needle[m-1-k], k)
	}
	return true
}

// all appends to out the offset of every occurrence of the needle in s
// (overlapping ones too), in order.
func (f *finder) all(s string, out []int) []int {
	n := f.needle
	m := len(n)
	if !f.horspool(s) {
		for from := 0; ; {
			i := strings.Index(s[from:], n)
			if i < 0 {
				return out
			}
			out = append(out, from+i)
			from += i + 1
		}
	}
	skip := f.skip
	l0, l1 := n[m-2], n[m-1]
	// Window ends: a runs through [m-1, half+m-1), b through [half+m-1, len(s)).
	half := len(s) / 2
	ea, endA := m-1, min(half+m-1, len(s))
	eb, endB := half+m-1, len(s)
	var second []int
	for ea < endA && eb < endB {
		a0, a1 := s[ea-1], s[ea]
		b0, b1 := s[eb-1], s[eb]
		if a1 == l1 && a0 == l0 && s[ea-m+1:ea+1] == n {
			out = append(out, ea-m+1)
		}
		if b1 == l1 && b0 == l0 && s[eb-m+1:eb+1] == n {
			second = append(second, eb-m+1)
		}
		ea += int(skip[pairSlot(a0, a1)])
		eb += int(skip[pairSlot(b0, b1)])
	}
	for ; ea < endA; ea += int(skip[pairSlot(s[ea-1], s[ea])]) {
		if s[ea-m+1:ea+1] == n {
			out = append(out, ea-m+1)
		}
	}
	for ; eb < endB; eb += int(skip[pairSlot(s[eb-1], s[eb])]) {
		if s[eb-m+1:eb+1] == n {
			second = append(second, eb-m+1)
		}
	}
	return append(out, second...)
}

// scanBufSize is how much of the file a search holds at once: enough that
// the reads cost little next to the search, small enough to keep the peak
// memory of git's get near that of an empty Go program.
const scanBufSize = 64 << 10
