package backends

// blockScan returns the offset of the first 16-byte block of s[:n], from
// offset at on in steps of 16, where a position i (the block's k-th)
// holds s[i+lo] == pats[k] and s[i+hi] == pats[16+k], or s[i] ==
// pats[32+k] or pats[48+k] (blockSearch repeats each byte 16 times), and
// a mask of those positions, a bit each, lowest first. When no block that
// starts at or before n-hi-16 holds one, it returns where the blocks
// stopped, and mask 0. SSE2, which every amd64 processor has.
//
//go:noescape
func blockScan(s *byte, n, at, lo, hi int, pats *[64]byte) (block int, mask uint32)

// blockScanFast says blockScan is the processor's: line searches use
// blockSearch.
const blockScanFast = true
