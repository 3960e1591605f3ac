package backends

import (
	"fmt"
	"strings"
	"testing"
)

// The split search must find exactly what the sequential one finds, with
// the same spans, wherever the middle of the file falls.
func TestScanSpansAtMatchesSequential(t *testing.T) {
	entries := func(n int, extra string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "https://user%d:ghp_%036d@host%06d.example.com%s\n", i, i, i%500, extra)
		}
		return b.String()
	}
	big := entries(30000, "")                 // about 2.5 MB
	long := strings.Repeat("x", splitScanMin) // a line over the middle
	tests := []struct{ name, data string }{
		{"small file: no split", entries(100, "")},
		{"entries", big},
		{"no final newline", strings.TrimSuffix(big, "\n")},
		{"long line across the middle", big[:len(big)/3] + "https://u:" + long + "@host000007.example.com\n" + big[:len(big)/3]},
		{"one long line from the middle to the end", big[:len(big)/2+10] + long},
		{"middle at a line start", entries(16384, "/p")},
		{"percent and wildcard lines", big + "https://u:p@host%30%30%30007.example.com\nhttps://u:p@*.example.com\n" + big},
	}
	for _, tc := range tests {
		for _, host := range []string{"host000007.example.com", "host000499.example.com", "missing.example.org"} {
			var want, got strings.Builder
			var wantSpans, gotSpans []span
			r := strings.NewReader(tc.data)
			if err := scanSpans(strings.NewReader(tc.data), host, scanBufSize, &want, &wantSpans); err != nil {
				t.Fatal(err)
			}
			if err := scanSpansAt(r, int64(len(tc.data)), host, scanBufSize, &got, &gotSpans); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() || fmt.Sprint(gotSpans) != fmt.Sprint(wantSpans) {
				t.Errorf("%s, %s: split search found %d lines (%d bytes), sequential %d lines (%d bytes)",
					tc.name, host, len(gotSpans), got.Len(), len(wantSpans), want.Len())
			}
		}
	}
}

func TestLineStartFrom(t *testing.T) {
	data := "ab\ncd\n" + strings.Repeat("e", 10000) + "\nf"
	for _, tc := range []struct {
		from, want int64
	}{
		{1, 3}, {3, 3}, {4, 6}, {6, 6}, {7, 10007}, {10007, 10007}, {10008, 0},
	} {
		if got := lineStartFrom(strings.NewReader(data), tc.from); got != tc.want {
			t.Errorf("lineStartFrom(%d) = %d, want %d", tc.from, got, tc.want)
		}
	}
}
