//go:build unix

package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseBuild(t *testing.T) {
	tests := []struct {
		in, def string
		want    build
	}{
		{"a/pat", "get", build{"a/pat", []string{"get"}}},
		{"a/pat::--file x  get", "get", build{"a/pat", []string{"--file", "x", "get"}}},
		{"a/pat::", "get", build{"a/pat", nil}},
	}
	for _, tc := range tests {
		got := parseBuild(tc.in, tc.def)
		if got.path != tc.want.path || !slices.Equal(got.args, tc.want.args) {
			t.Errorf("parseBuild(%q, %q) = %+v; want %+v", tc.in, tc.def, got, tc.want)
		}
	}
}

// copiesOf makes n copies whose runs are base plus each copy's offset.
func copiesOf(base time.Duration, offsets []time.Duration) []*copyOf {
	var cs []*copyOf
	for _, o := range offsets {
		cs = append(cs, &copyOf{times: []time.Duration{base + o, base + o - 1, base + o + 1}})
	}
	return cs
}

// The interval is over copies: a build whose copies spread widely gets a
// wide interval, and a true difference shows through it.
func TestSummarize(t *testing.T) {
	spread := []time.Duration{-60, -30, 0, 30, 60, -45, 45, 15, -15, 0}
	for i := range spread {
		spread[i] *= time.Microsecond
	}
	same := copiesOf(1800*time.Microsecond, spread)
	twin := copiesOf(1800*time.Microsecond, slices.Clone(spread))
	slower := copiesOf(1900*time.Microsecond, slices.Clone(spread))
	got := summarize([][]*copyOf{same, twin, slower}, rand.New(rand.NewPCG(1, 2)))
	if got[0].diff != 0 || got[1].diff != 0 {
		t.Errorf("identical builds differ: %+v", got[:2])
	}
	if !(got[1].lo < 0 && got[1].hi > 0) {
		t.Errorf("twin's interval %v..%v does not hold 0", got[1].lo, got[1].hi)
	}
	if got[1].hi-got[1].lo < 20*time.Microsecond {
		t.Errorf("interval %v..%v is narrower than copies spread by 40 µs allow", got[1].lo, got[1].hi)
	}
	if got[2].diff != 100*time.Microsecond || got[2].lo <= 0 {
		t.Errorf("slower build: %+v; want +100 µs with an interval above 0", got[2])
	}
	if got[0].sd < 30*time.Microsecond || got[0].sd > 50*time.Microsecond {
		t.Errorf("sd between copies %v; want about 40 µs", got[0].sd)
	}
}

// A real run: copies of a real program, dropped from the page cache and
// run, and a failing program is an error rather than a time.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "ok")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nread line\n[ \"$line\" = hello ] && [ \"$1\" = arg ]\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in")
	if err := os.WriteFile(in, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	res, err := run(context.Background(), work, []build{{script, []string{"arg"}}, {script, []string{"arg"}}}, 2, 3, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || len(res[0]) != 2 || len(res[1][1].times) != 3 {
		t.Fatalf("got %d builds; want 2 with 2 copies of 3 runs", len(res))
	}
	var out strings.Builder
	report(&out, []build{{script, []string{"arg"}}, {script, []string{"arg"}}}, res, rand.New(rand.NewPCG(1, 2)))
	if strings.Count(out.String(), "\n") != 3 || !strings.Contains(out.String(), script+" arg") {
		t.Errorf("report:\n%s", out.String())
	}
	if _, err := run(context.Background(), t.TempDir(), []build{{script, []string{"wrong"}}}, 2, 1, in); err == nil || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("a failing run gave %v; want its exit status", err)
	}
}

// A stdin that cannot be read from the start again is refused before any
// run, and a cancelled run (Ctrl-C) stops.
func TestRunRefuses(t *testing.T) {
	ok := filepath.Join(t.TempDir(), "ok")
	if err := os.WriteFile(ok, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := run(context.Background(), t.TempDir(), []build{{ok, nil}}, 2, 1, os.DevNull); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("stdin /dev/null: %v; want a refusal", err)
	}
	in := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(in, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := run(ctx, t.TempDir(), []build{{ok, nil}}, 2, 1, in); err == nil {
		t.Error("a cancelled run went on")
	}
}
