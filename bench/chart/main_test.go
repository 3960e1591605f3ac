package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = "kind\top\tsize\tours\tpeer_name\tpeer\tours_rss_kb\tpeer_rss_kb\tnote\n" +
	"time\tget (file, hit)\t100000\t0.004\tgit credential-store\t0.062\t8000\t3700\t\n" +
	"time\tstore (file, new token)\t100000\t0.356\tgit credential-store\t0.135\t96000\t3700\t\n" +
	"time\tget (cache, hit)\t1\tn/a\tgit credential-cache\tn/a\tn/a\tn/a\tnot wired in the CLI\n" +
	"lost\t1,000 concurrent stores\t1000\t0\tgit credential-store\t76\t0\t76\t\n"

func TestReadBars(t *testing.T) {
	bars, err := readBars(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(bars) != 3 {
		t.Fatalf("got %d bars, want the 3 time rows", len(bars))
	}
	if r := bars[0].ratio; r < 0.0645 || r > 0.0646 {
		t.Errorf("ratio = %v, want 0.004/0.062", r)
	}
	if bars[2].ratio != 0 || bars[2].note != "not wired in the CLI" {
		t.Errorf("n/a row = %+v", bars[2])
	}
}

func TestDrawIsWellFormedSVG(t *testing.T) {
	bars, err := readBars(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	draw(&buf, `a <title> & "quotes"`, bars)
	d := xml.NewDecoder(&buf)
	rects := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	// background, two bars, two legend swatches
	if rects != 5 {
		t.Errorf("%d rects, want 5", rects)
	}
}

func TestMedians(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	b := filepath.Join(dir, "b.json")
	os.WriteFile(a, []byte(`{"results":[{"command":"ours","times":[3,1]},{"command":"peer","times":[10]}]}`), 0o600)
	os.WriteFile(b, []byte(`{"results":[{"command":"peer","times":[30,20]},{"command":"ours","times":[2]}]}`), 0o600)
	var out bytes.Buffer
	if err := printMedians(&out, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	want := "ours\t2.000000000\t3\npeer\t20.000000000\t3\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if m := medianOf([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4 values = %v, want 2.5", m)
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[string]string{"1": "1", "1000": "1,000", "100000": "100,000", "10000": "10,000", "-": "-", "1234567": "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%q) = %q, want %q", in, got, want)
		}
	}
}
