// Package fingerprint names a secret or a state by the start of its
// SHA-256 (FIPS 180-4), written here instead of taken from crypto/sha256.
//
// git runs the helper on every HTTPS request, and crypto/sha256 brings
// Go's FIPS 140 module, whose packages' init and pages cost every call
// about 0.03-0.1 ms of a 1.5 ms start (issue 17), while the helper hashes
// a few dozen bytes per call. The fingerprints are stored (in the
// credentials file's meta lines, the expiry warnings' stamp names and the
// state git hands back), so this must be SHA-256 exactly: the tests check
// it against crypto/sha256 and the standard's own examples. Nothing here
// is a MAC or a key; it only tells one token from another.
package fingerprint

import (
	"encoding/binary"
	"encoding/hex"
	"math/bits"
)

// Hex returns the first n bytes (at most 32) of data's SHA-256, in
// lowercase hex.
func Hex(data []byte, n int) string {
	sum := Sum256(data)
	return hex.EncodeToString(sum[:min(n, len(sum))])
}

// Sum256 returns the SHA-256 of data.
func Sum256(data []byte) [32]byte {
	h := initial
	size := uint64(len(data))
	for len(data) >= 64 {
		block(&h, data[:64])
		data = data[64:]
	}
	// The padding: a 1 bit, zeros, and the length in bits, big-endian, in
	// the last 8 bytes of one block or, when they do not fit after the
	// rest of the data, of a second.
	var tail [128]byte
	n := copy(tail[:], data)
	tail[n] = 0x80
	end := 64
	if n >= 56 {
		end = 128
	}
	binary.BigEndian.PutUint64(tail[end-8:end], size*8)
	for b := 0; b < end; b += 64 {
		block(&h, tail[b:b+64])
	}
	var out [32]byte
	for i, v := range h {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// initial is the first 32 bits of the fractional parts of the square
// roots of the first 8 primes (FIPS 180-4, 5.3.3).
var initial = [8]uint32{
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
}

// roundConstants is the first 32 bits of the fractional parts of the
// cube roots of the first 64 primes (FIPS 180-4, 4.2.2).
var roundConstants = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

// block folds one 64-byte block into the hash state (FIPS 180-4, 6.2.2).
func block(h *[8]uint32, p []byte) {
	var w [64]uint32
	for i := range 16 {
		w[i] = binary.BigEndian.Uint32(p[4*i:])
	}
	for i := 16; i < 64; i++ {
		s0 := bits.RotateLeft32(w[i-15], -7) ^ bits.RotateLeft32(w[i-15], -18) ^ w[i-15]>>3
		s1 := bits.RotateLeft32(w[i-2], -17) ^ bits.RotateLeft32(w[i-2], -19) ^ w[i-2]>>10
		w[i] = w[i-16] + s0 + w[i-7] + s1
	}
	a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
	for i := range 64 {
		t1 := hh + (bits.RotateLeft32(e, -6) ^ bits.RotateLeft32(e, -11) ^ bits.RotateLeft32(e, -25)) +
			(e&f ^ ^e&g) + roundConstants[i] + w[i]
		t2 := (bits.RotateLeft32(a, -2) ^ bits.RotateLeft32(a, -13) ^ bits.RotateLeft32(a, -22)) +
			(a&b ^ a&c ^ b&c)
		hh, g, f, e, d, c, b, a = g, f, e, d+t1, c, b, a, t1+t2
	}
	h[0] += a
	h[1] += b
	h[2] += c
	h[3] += d
	h[4] += e
	h[5] += f
	h[6] += g
	h[7] += hh
}
