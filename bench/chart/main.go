// Command chart draws bench/results.svg from the table bench/run.sh writes:
// one horizontal bar per timed comparison, the ratio of our median to the
// peer's on a logarithmic axis, so 0.5x and 2x are the same distance from
// 1x. It uses the standard library only.
//
//	go run ./bench/chart -in bench/out/results.tsv -out bench/results.svg
//
// The input is tab-separated with a header line. Columns, by name:
// kind ("time" rows are drawn; others, such as "rss" or "lost", are not),
// op, size, ours and peer (median seconds, or "n/a"), peer_name.
//
// With -median, it instead reads hyperfine --export-json files and prints,
// for each command name, the median of all its samples across the files,
// in seconds, and the number of samples, tab-separated:
//
//	go run ./bench/chart -median round1.json round2.json
//
// run.sh times each comparison in rounds of alternating order, so that a
// burst of load from elsewhere on the machine does not land on one side
// only, and merges the rounds with this.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

type bar struct {
	label    string
	peer     string
	ratio    float64 // ours / peer; 0 when not available
	ours     float64 // seconds
	peerTime float64 // seconds
	note     string  // why there is no ratio
}

func main() {
	in := flag.String("in", "bench/out/results.tsv", "results table written by bench/run.sh")
	out := flag.String("out", "bench/results.svg", "SVG file to write")
	title := flag.String("title", "git-credential-pat vs git's own helpers (whole-process medians, hyperfine)", "chart title")
	median := flag.Bool("median", false, "print the median per command of the hyperfine JSON files given as arguments")
	flag.Parse()
	if *median {
		if err := printMedians(os.Stdout, flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "chart:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*in, *out, *title); err != nil {
		fmt.Fprintln(os.Stderr, "chart:", err)
		os.Exit(1)
	}
}

func run(in, out, title string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	bars, err := readBars(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(bars) == 0 {
		return fmt.Errorf("%s: no timed rows to draw", in)
	}
	tmp := out + ".tmp"
	w, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	draw(bw, title, bars)
	if err := bw.Flush(); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// readBars parses the TSV, keeping "time" rows.
func readBars(r io.Reader) ([]bar, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("empty file")
	}
	col := map[string]int{}
	for i, name := range strings.Split(sc.Text(), "\t") {
		col[name] = i
	}
	for _, need := range []string{"kind", "op", "size", "ours", "peer_name", "peer"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("header has no %q column", need)
		}
	}
	var bars []bar
	for n := 2; sc.Scan(); n++ {
		fields := strings.Split(sc.Text(), "\t")
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(fields) {
				return ""
			}
			return fields[i]
		}
		if get("kind") != "time" {
			continue
		}
		b := bar{label: get("op"), peer: get("peer_name"), note: get("note")}
		if s := get("size"); s != "" && s != "-" {
			b.label += " @ " + thousands(s)
		}
		ours, err1 := strconv.ParseFloat(get("ours"), 64)
		peer, err2 := strconv.ParseFloat(get("peer"), 64)
		if err1 == nil && err2 == nil && ours > 0 && peer > 0 {
			b.ours, b.peerTime, b.ratio = ours, peer, ours/peer
		} else if b.note == "" {
			b.note = "n/a"
		}
		bars = append(bars, b)
	}
	return bars, sc.Err()
}

// Layout, in SVG user units (pixels).
const (
	width      = 1080
	labelW     = 370 // left column: operation and peer
	valueW     = 210 // right column: ratio and medians
	plotX      = labelW
	plotW      = width - labelW - valueW
	topH       = 70
	rowH       = 26
	barH       = 16
	bottomH    = 70
	fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
)

// axisRange returns the decades the log axis spans, always including 1x.
func axisRange(bars []bar) (lo, hi float64) {
	lo, hi = 0, 0 // log10 of 1x
	for _, b := range bars {
		if b.ratio <= 0 {
			continue
		}
		l := math.Log10(b.ratio)
		lo = math.Min(lo, math.Floor(l))
		hi = math.Max(hi, math.Ceil(l))
	}
	if hi-lo < 1 {
		hi = lo + 1
	}
	return lo, hi
}

func draw(w io.Writer, title string, bars []bar) {
	lo, hi := axisRange(bars)
	x := func(ratio float64) float64 {
		return plotX + (math.Log10(ratio)-lo)/(hi-lo)*plotW
	}
	height := topH + len(bars)*rowH + bottomH
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12">`+"\n",
		width, height, width, height, fontFamily)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(w, `<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", 10, esc(title))
	fmt.Fprintf(w, `<text x="%d" y="44" fill="#444">ratio = our median / peer median (log scale); left of 1x: git-credential-pat is faster</text>`+"\n", 10)

	// Grid: every decade, plus 2x and 5x steps when the range is small.
	plotTop, plotBottom := topH-6, topH+len(bars)*rowH
	for d := lo; d <= hi; d++ {
		for _, m := range []float64{1, 2, 5} {
			r := math.Pow(10, d) * m
			if math.Log10(r) > hi+1e-9 || (m != 1 && hi-lo > 3) {
				continue
			}
			gx := x(r)
			stroke, dash := "#ddd", ` stroke-dasharray="3,3"`
			if m == 1 {
				stroke, dash = "#bbb", ""
			}
			if r == 1 {
				stroke, dash = "#333", ""
			}
			fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"%s/>`+"\n", gx, plotTop, gx, plotBottom, stroke, dash)
			fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle" fill="#444">%sx</text>`+"\n", gx, plotBottom+16, fmtRatio(r))
		}
	}

	for i, b := range bars {
		y := topH + i*rowH
		cy := y + barH/2 + 4
		fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`+"\n", 10, cy, esc(b.label))
		fmt.Fprintf(w, `<text x="%d" y="%d" fill="#666" font-size="10" text-anchor="end">vs %s</text>`+"\n", labelW-8, cy, esc(shorten(b.peer, 30)))
		if b.ratio <= 0 {
			fmt.Fprintf(w, `<text x="%d" y="%d" fill="#888">%s</text>`+"\n", plotX+6, cy, esc(shorten(b.note, 60)))
			continue
		}
		x1, x0 := x(b.ratio), x(1)
		left, bw := math.Min(x0, x1), math.Abs(x1-x0)
		if bw < 1 {
			bw = 1
		}
		color := "#2e7d32" // faster than the peer
		if b.ratio > 1 {
			color = "#c62828"
		}
		fmt.Fprintf(w, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: ours %s, %s %s</title></rect>`+"\n",
			left, y+2, bw, barH, color, esc(b.label), fmtDur(b.ours), esc(b.peer), fmtDur(b.peerTime))
		fmt.Fprintf(w, `<text x="%d" y="%d">%sx</text>`+"\n", plotX+plotW+8, cy, fmtRatio(b.ratio))
		fmt.Fprintf(w, `<text x="%d" y="%d" fill="#666" font-size="10">%s / %s</text>`+"\n", plotX+plotW+58, cy, fmtDur(b.ours), fmtDur(b.peerTime))
	}
	ly := plotBottom + 40
	fmt.Fprintf(w, `<rect x="10" y="%d" width="12" height="12" fill="#2e7d32"/><text x="28" y="%d">faster than the peer</text>`+"\n", ly-10, ly)
	fmt.Fprintf(w, `<rect x="180" y="%d" width="12" height="12" fill="#c62828"/><text x="198" y="%d">slower than the peer</text>`+"\n", ly-10, ly)
	fmt.Fprintf(w, `<text x="360" y="%d" fill="#444">right column: ratio, then our median / the peer's</text>`+"\n", ly)
	fmt.Fprintln(w, `</svg>`)
}

func esc(s string) string { return html.EscapeString(s) }

// thousands writes a count as 100,000; anything else is returned as is.
func thousands(s string) string {
	if _, err := strconv.Atoi(s); err != nil || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// fmtRatio prints 2 significant digits: 0.043, 0.5, 1.3, 12.
func fmtRatio(r float64) string {
	switch {
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 0, 64)
	case r >= 1:
		return strconv.FormatFloat(r, 'f', 1, 64)
	default:
		return strconv.FormatFloat(r, 'g', 2, 64)
	}
}

// fmtDur prints seconds as µs, ms or s with 3 significant digits.
func fmtDur(s float64) string {
	switch {
	case s >= 1:
		return strconv.FormatFloat(s, 'g', 3, 64) + " s"
	case s >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'g', 3, 64) + " ms"
	default:
		return strconv.FormatFloat(s*1e6, 'g', 3, 64) + " µs"
	}
}

// hyperfineExport is the part of hyperfine's --export-json this reads.
type hyperfineExport struct {
	Results []struct {
		Command string    `json:"command"`
		Times   []float64 `json:"times"`
	} `json:"results"`
}

// printMedians merges the samples of each command across files and prints
// "name<TAB>median seconds<TAB>samples", in the order names first appear.
func printMedians(w io.Writer, files []string) error {
	if len(files) == 0 {
		return errors.New("-median needs hyperfine JSON files as arguments")
	}
	var order []string
	times := map[string][]float64{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var e hyperfineExport
		if err := json.Unmarshal(data, &e); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, r := range e.Results {
			if _, seen := times[r.Command]; !seen {
				order = append(order, r.Command)
			}
			times[r.Command] = append(times[r.Command], r.Times...)
		}
	}
	for _, name := range order {
		fmt.Fprintf(w, "%s\t%.9f\t%d\n", name, medianOf(times[name]), len(times[name]))
	}
	return nil
}

// medianOf returns the median of xs (0 for none); xs is sorted in place.
func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
