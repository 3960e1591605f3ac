//go:build !amd64

package backends

// blockScanFast says blockScan is the portable one, slower than the
// per-needle searches: line searches do not use blockSearch here (its
// tests still do).
const blockScanFast = false

func blockScan(s *byte, n, at, lo, hi int, pats *[64]byte) (block int, mask uint32) {
	return blockScanPortable(s, n, at, lo, hi, pats)
}
