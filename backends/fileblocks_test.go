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
// texts as scanSpans reuses it over the chunks of a file, also when it
// hands over to the per-needle searches in the middle of a text.
func TestBlockSearchFindsTheLinesThatCanNameTheHost(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := "abc.%*\n"
	handedOver := 0
	for i := 0; i < 3000; i++ {
		host := randomText(r, "abc.%*", 1+r.IntN(8))
		s := newBlockSearch(host)
		handOff := r.IntN(4) // before the second or third text, or never
		for k := range 3 {
			if k == handOff {
				s.wasted = 1 << 30 // hands off after its first block
			}
			size := r.IntN(300)
			if r.IntN(10) == 0 {
				size += horspoolMin
			}
			text := randomText(r, alphabet, size)
			got := s.lineStarts(text, nil)
			if want := linesNaming(text, host); !slices.Equal(got, want) {
				t.Fatalf("lineStarts(%q) for %q = %v, want %v", text, host, got, want)
			}
			if each := eachFinders(host).candidates(text); !slices.Equal(got, each) {
				t.Fatalf("lineStarts(%q) for %q = %v, the per-needle search %v", text, host, got, each)
			}
			if s.fallback.each != nil {
				handedOver++
			}
		}
	}
	if handedOver < 1000 {
		t.Errorf("the search handed over in %d texts of 9,000, want 1,000 or more", handedOver)
	}
}

// A file whose hosts all share their first and last bytes (and more)
// moves the anchors to where they differ, and the search stays one pass.
// A host that repeats itself in a file of long runs of its byte raises an
// alarm at nearly every position; the search then hands over to the
// per-needle searches, and still finds the right lines.
func TestBlockSearchAnchors(t *testing.T) {
	var b strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&b, "https://user%d:ghp_%036d@%s\n", i, i*7919, benchHost(i))
	}
	hosts := b.String()
	runs := strings.Repeat("\n"+strings.Repeat("a", 63), 2000)
	for _, tc := range []struct {
		text, host string
		handOff    bool
	}{
		{hosts, benchHost(98999), false},
		{hosts, benchHost(5), false},
		{hosts, "host1.example.com", false},
		{hosts, "missing.example.org", false},
		{runs, strings.Repeat("a", 64), true},
		{runs, strings.Repeat("a", 63), false}, // on every line: no alarm
		{runs + "\n" + strings.Repeat("a", 64) + "\n", strings.Repeat("a", 64), true},
	} {
		s := newBlockSearch(tc.host)
		var got []int
		for from := 0; from < len(tc.text); {
			chunk := tc.text[from:min(from+64<<10, len(tc.text))]
			for _, start := range s.lineStarts(chunk, nil) {
				got = append(got, from+start)
			}
			from += len(chunk)
		}
		if want := linesNaming(tc.text, tc.host); !slices.Equal(got, want) {
			t.Fatalf("%.20s...: lineStarts = %v, want %v", tc.host, got, want)
		}
		if handed := s.fallback.each != nil; handed != tc.handOff {
			t.Errorf("%.20s...: handed over %v, want %v (alarms cost %d bytes' worth in %d)", tc.host, handed, tc.handOff, s.wasted, s.scanned)
		}
		if !tc.handOff && s.wasted > 100*alarmCost {
			t.Errorf("%s: alarms cost %d bytes' worth, want at most %d", tc.host, s.wasted, 100*alarmCost)
		}
	}
}

// candidates never returns nil for a host: nil would tell parse to take
// every line.
func TestCandidatesOfNoLineIsEmptyNotNil(t *testing.T) {
	for _, text := range []string{"", "https://u:p@example.org\n", strings.Repeat("https://u:p@example.org\n", 2000)} {
		if got := candidates(text, "example.com"); got == nil || len(got) != 0 {
			t.Errorf("candidates(%d bytes) = %#v, want an empty slice", len(text), got)
		}
	}
}

func FuzzBlockSearch(f *testing.F) {
	f.Add("https://u:p@example.com\nhttps://%65xample.com\n*.example.com\n", "example.com", false)
	f.Add(strings.Repeat("gitlab.com\ngithub.com\n", 40), "github.com", true)
	f.Fuzz(func(t *testing.T, text, host string, handOff bool) {
		if host == "" || strings.Contains(host, "\n") {
			return // candidates takes no empty host; git's values hold no newline
		}
		s := newBlockSearch(host)
		if handOff {
			s.wasted = 1 << 30 // hands over after its first block
		}
		got := s.lineStarts(text, nil)
		if want := linesNaming(text, host); !slices.Equal(got, want) {
			t.Fatalf("lineStarts(%q) for %q = %v, want %v", text, host, got, want)
		}
	})
}

// A host longer than any DNS name is searched for needle by needle.
func TestLongHostIsSearchedNeedleByNeedle(t *testing.T) {
	for _, tc := range []struct {
		n      int
		blocks bool
	}{{1, blockScanFast}, {maxBlockHost, blockScanFast}, {maxBlockHost + 1, false}, {60000, false}} {
		host := strings.Repeat("h", tc.n)
		if got := hostFinders(host).blocks != nil; got != tc.blocks {
			t.Errorf("host of %d bytes: one-pass search %v, want %v", tc.n, got, tc.blocks)
		}
	}
}

// BenchmarkLineSearch times both line searches over 8 MB in 64 KiB
// chunks cut at newlines, as scanSpans reads a file: the bench file (hosts
// alike at both ends), a file built to keep the one-pass search just
// under its alarm budget (every line the host with one byte changed, in
// three places in turn, after 2,400 bytes of padding: 0.8-1.4x the
// per-needle search in runs here), and a host that repeats itself in long
// runs of its byte (handed over at once).
func BenchmarkLineSearch(b *testing.B) {
	rotating := func() (string, string) {
		const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		host := make([]byte, 64)
		for i := range host {
			host[i] = alnum[i*7%len(alnum)]
		}
		var text strings.Builder
		for i := 0; text.Len() < 8<<20; i++ {
			line := slices.Clone(host)
			line[40+i%3] = 'x'
			text.WriteString(strings.Repeat("7", 2400))
			text.Write(line)
			text.WriteByte('\n')
		}
		return text.String(), string(host)
	}
	rotText, rotHost := rotating()
	for _, tc := range []struct{ name, text, host string }{
		{"bench", benchText(100000), benchHost(benchHit(100000))},
		{"rotating", rotText, rotHost},
		{"repeating", strings.Repeat("\n"+strings.Repeat("a", 63), 8<<20/64), strings.Repeat("a", 64)},
	} {
		var chunks []string
		for rest := tc.text; rest != ""; {
			n := min(64<<10, len(rest))
			if n < len(rest) {
				n = strings.LastIndexByte(rest[:n], '\n') + 1
			}
			chunks, rest = append(chunks, rest[:n]), rest[n:]
		}
		for _, path := range []string{"one-pass", "per-needle"} {
			b.Run(tc.name+"/"+path, func(b *testing.B) {
				b.SetBytes(int64(len(tc.text)))
				for i := 0; i < b.N; i++ {
					needles := eachFinders(tc.host)
					if path == "one-pass" {
						needles = finders{blocks: newBlockSearch(tc.host)}
					}
					for _, c := range chunks {
						needles.candidates(c)
					}
				}
			})
		}
	}
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
