package backends

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// blockScan (the assembly on amd64) returns what blockScanPortable
// returns: from any offset, with the anchors anywhere, with any patterns,
// on texts that end inside, at and after a block.
func TestBlockScanMatchesPortable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := "ab%*\n"
	for i := 0; i < 50000; i++ {
		text := randomText(r, alphabet, r.IntN(120))
		hi := r.IntN(48)
		lo := r.IntN(hi + 1)
		var pats [64]byte
		for k := range 4 {
			c := alphabet[r.IntN(len(alphabet))]
			for j := range 16 {
				pats[16*k+j] = c
			}
		}
		at := r.IntN(len(text) + 1)
		p := unsafe.StringData(text)
		gotBlock, gotMask := blockScan(p, len(text), at, lo, hi, &pats)
		wantBlock, wantMask := blockScanPortable(p, len(text), at, lo, hi, &pats)
		if gotBlock != wantBlock || gotMask != wantMask {
			t.Fatalf("blockScan(%q, at %d, lo %d, hi %d, %q) = %d, %016b; want %d, %016b",
				text, at, lo, hi, []byte{pats[0], pats[16], pats[32], pats[48]}, gotBlock, gotMask, wantBlock, wantMask)
		}
	}
}

// blockSearch finds exactly the lines that hold the host, a '%' or a '*'
// (what the per-needle searches find), one search reused over several
// texts as scanSpans reuses it over the chunks of a file.
func TestBlockSearchFindsTheLinesThatCanNameTheHost(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := "abc.%*\n"
	for i := 0; i < 3000; i++ {
		host := randomText(r, "abc.%*", 1+r.IntN(8))
		s := newBlockSearch(host)
		for range 3 {
			size := r.IntN(300)
			if r.IntN(10) == 0 {
				size += horspoolMin
			}
			text := randomText(r, alphabet, size)
			got := s.lineStarts(text, []int{})
			if want := linesNaming(text, host); !slices.Equal(got, want) {
				t.Fatalf("lineStarts(%q) for %q = %v, want %v", text, host, got, want)
			}
			if each := eachFinders(host).candidates(text); !slices.Equal(got, each) {
				t.Fatalf("lineStarts(%q) for %q = %v, the per-needle search %v", text, host, got, each)
			}
		}
	}
}

// A file whose hosts all share their first and last bytes (and more)
// moves the anchors to where they differ: of 100,000 lines, fewer than
// 100 stop the scan in vain.
func TestBlockSearchAnchorsMoveToWhereHostsDiffer(t *testing.T) {
	var b strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&b, "https://user%d:ghp_%036d@%s\n", i, i*7919, benchHost(i))
	}
	text := b.String()
	for _, host := range []string{benchHost(98999), benchHost(5), "host1.example.com", "missing.example.org"} {
		s := newBlockSearch(host)
		got := s.lineStarts(text, nil)
		if want := linesNaming(text, host); !slices.Equal(got, want) {
			t.Fatalf("%s: lineStarts = %v, want %v", host, got, want)
		}
		if s.alarms >= 100 {
			t.Errorf("%s: %d false alarms (anchors %d, %d), want fewer than 100", host, s.alarms, s.newer, s.older)
		}
	}
}

func FuzzBlockSearch(f *testing.F) {
	f.Add("https://u:p@example.com\nhttps://%65xample.com\n*.example.com\n", "example.com")
	f.Add(strings.Repeat("gitlab.com\ngithub.com\n", 40), "github.com")
	f.Fuzz(func(t *testing.T, text, host string) {
		if host == "" || strings.Contains(host, "\n") {
			return // candidates takes no empty host; git's values hold no newline
		}
		got := newBlockSearch(host).lineStarts(text, nil)
		if want := linesNaming(text, host); !slices.Equal(got, want) {
			t.Fatalf("lineStarts(%q) for %q = %v, want %v", text, host, got, want)
		}
	})
}

// linesNaming is what blockSearch finds, written plainly: the start of
// each line that holds host, '%' or '*'.
func linesNaming(text, host string) []int {
	var starts []int
	for start := 0; start < len(text); {
		line, _, _ := strings.Cut(text[start:], "\n")
		if strings.Contains(line, host) || strings.ContainsAny(line, "%*") {
			starts = append(starts, start)
		}
		start += len(line) + 1
	}
	return starts
}

func randomText(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}
