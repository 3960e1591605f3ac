package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The standard's own examples (FIPS 180-4's SHA256.pdf, and NIST's
// long-message example), which do not depend on crypto/sha256.
func TestSum256KnownAnswers(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"two blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"a million a", strings.Repeat("a", 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Sum256([]byte(tc.in))
			if h := hex.EncodeToString(got[:]); h != tc.want {
				t.Errorf("Sum256 = %s, want %s", h, tc.want)
			}
		})
	}
}

// Every length around the padding's edges (55, 56, 63, 64, 119, 120, ...)
// and random contents, against crypto/sha256.
func TestSum256MatchesCryptoSHA256(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 256))
	for n := 0; n <= 300; n++ {
		for range 4 {
			data := make([]byte, n)
			for i := range data {
				data[i] = byte(r.Uint32())
			}
			if got, want := Sum256(data), sha256.Sum256(data); got != want {
				t.Fatalf("length %d: Sum256 = %x, want %x (data %x)", n, got, want, data)
			}
		}
	}
}

func TestHex(t *testing.T) {
	password := []byte("ghp_abcdefghijklmnopqrstuvwxyz0123456789")
	full := sha256.Sum256(password)
	for _, n := range []int{0, 4, 8, 12, 32, 40} {
		want := hex.EncodeToString(full[:min(n, 32)])
		if got := Hex(password, n); got != want {
			t.Errorf("Hex(password, %d) = %q, want %q", n, got, want)
		}
	}
}

// The constant tables are what the standard derives them from: the
// fractional parts of the square (initial) and cube (roundConstants)
// roots of the first primes, to 32 bits.
func TestConstantsAreTheRootsOfPrimes(t *testing.T) {
	var primes []int64
	for n := int64(2); len(primes) < 64; n++ {
		if big.NewInt(n).ProbablyPrime(0) {
			primes = append(primes, n)
		}
	}
	frac32 := func(p int64, root int) uint32 {
		// floor(p^(1/root) * 2^32) mod 2^32, by integer root of p * 2^(32*root).
		x := new(big.Int).Lsh(big.NewInt(p), uint(32*root))
		r := intRoot(x, root)
		return uint32(new(big.Int).And(r, big.NewInt(0xffffffff)).Uint64())
	}
	for i, have := range initial {
		if want := frac32(primes[i], 2); have != want {
			t.Errorf("initial[%d] = %#08x, want %#08x", i, have, want)
		}
	}
	for i, have := range roundConstants {
		if want := frac32(primes[i], 3); have != want {
			t.Errorf("roundConstants[%d] = %#08x, want %#08x", i, have, want)
		}
	}
}

// intRoot returns floor(x^(1/k)) by bisection.
func intRoot(x *big.Int, k int) *big.Int {
	lo, hi := big.NewInt(0), new(big.Int).Add(x, big.NewInt(1))
	one := big.NewInt(1)
	for new(big.Int).Sub(hi, lo).Cmp(one) > 0 {
		mid := new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1)
		if new(big.Int).Exp(mid, big.NewInt(int64(k)), nil).Cmp(x) <= 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

func FuzzSum256(f *testing.F) {
	f.Add([]byte("abc"))
	f.Add(bytes.Repeat([]byte{0x80}, 55))
	f.Add(bytes.Repeat([]byte{0}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := Sum256(data), sha256.Sum256(data); got != want {
			t.Fatalf("Sum256(%x) = %x, want %x", data, got, want)
		}
	})
}

// What the helper hashes: a token (40 bytes) and a state (about 150).
func BenchmarkSum256(b *testing.B) {
	for _, n := range []int{40, 150} {
		data := bytes.Repeat([]byte{'x'}, n)
		b.Run("fingerprint/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				Sum256(data)
			}
		})
		b.Run("crypto-sha256/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				sha256.Sum256(data)
			}
		})
	}
}
