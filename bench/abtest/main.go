//go:build unix

// Command abtest compares builds of a program by differences smaller than
// what the page cache does to one copy of it. Two copies of the same
// binary, each loaded from disk, can start 50-70 µs apart (see
// bench/results.md, "Measuring one build against another"), so it times
// many copies of each build: made, dropped from the page cache and first
// run interleaved across builds, then every copy once per round, in a
// random order. For each build it prints the mean of its copies'
// medians, the difference from the first build, and a 95% interval of
// that difference over copies (a bootstrap), with the spread between
// copies.
//
//	go run ./bench/abtest [-copies 40] [-rounds 100] [-stdin FILE] BUILD[::ARGS] ...
//
// ARGS (split at spaces) are the arguments of that build's runs; -args
// gives them to builds without their own. Each run's standard input is
// the regular file -stdin (default: an empty one; not /dev/null, which the
// helper takes for a terminal); its output is discarded. The copies go in
// a temporary directory under -dir, which must be on a disk: a tmpfs has
// no disk to load them from.
//
//	go run ./bench/abtest -stdin q.in -args '--file one.txt get' old/git-credential-pat new/git-credential-pat
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	copies := flag.Int("copies", 40, "copies of each build")
	rounds := flag.Int("rounds", 100, "rounds; each runs every copy once")
	stdin := flag.String("stdin", "", "regular file given as standard input to every run (default: an empty one)")
	args := flag.String("args", "", "arguments of builds given without ::ARGS")
	parent := flag.String("dir", os.TempDir(), "where the copies go (on a disk, not a tmpfs)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: abtest [-copies N] [-rounds N] [-stdin FILE] [-args ARGS] [-dir DIR] BUILD[::ARGS] ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *copies < 2 || *rounds < 1 {
		flag.Usage()
		os.Exit(2)
	}
	builds := make([]build, flag.NArg())
	for i, a := range flag.Args() {
		builds[i] = parseBuild(a, *args)
	}
	if err := checkOnDisk(*parent); err != nil {
		fail(err)
	}
	dir, err := os.MkdirTemp(*parent, "abtest")
	if err != nil {
		fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	in := *stdin
	if in == "" {
		in = filepath.Join(dir, "stdin")
		err = os.WriteFile(in, nil, 0o600)
	}
	var results [][]*copyOf
	if err == nil {
		results, err = run(ctx, dir, builds, *copies, *rounds, in)
	}
	os.RemoveAll(dir)
	if err != nil {
		fail(err)
	}
	report(os.Stdout, builds, results, rand.New(rand.NewPCG(1, 2)))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "abtest:", err)
	os.Exit(1)
}

// build is one program to time and its arguments.
type build struct {
	path string
	args []string
}

// parseBuild reads PATH or PATH::ARGS; PATH alone takes defaultArgs.
func parseBuild(s, defaultArgs string) build {
	path, args, ok := strings.Cut(s, "::")
	if !ok {
		args = defaultArgs
	}
	return build{path: path, args: strings.Fields(args)}
}

// copyOf is one copy of a build and the medians are taken per copy.
type copyOf struct {
	build int
	path  string
	times []time.Duration
}

// run makes the copies, interleaved across builds, drops each from the
// page cache, runs each once in a random order (so each is loaded as from
// disk, and none is favoured by when it was made), then times rounds.
func run(ctx context.Context, dir string, builds []build, copies, rounds int, stdin string) ([][]*copyOf, error) {
	in, err := os.Open(stdin)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	if fi, err := in.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("-stdin %s: not a regular file (each run reads it from the start)", stdin)
	}
	out, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	perBuild := make([][]*copyOf, len(builds))
	var order []*copyOf
	for k := range copies {
		for b, bd := range builds {
			c := &copyOf{build: b, path: filepath.Join(dir, fmt.Sprintf("b%d_%d", b, k))}
			if err := copyExecutable(bd.path, c.path); err != nil {
				return nil, err
			}
			perBuild[b] = append(perBuild[b], c)
			order = append(order, c)
		}
	}
	once := func(c *copyOf) (time.Duration, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, err := in.Seek(0, io.SeekStart); err != nil {
			return 0, err
		}
		return timeRun(c.path, builds[c.build].args, in, out)
	}
	rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, c := range order {
		if _, err := once(c); err != nil {
			return nil, err
		}
	}
	for range rounds {
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, c := range order {
			d, err := once(c)
			if err != nil {
				return nil, err
			}
			c.times = append(c.times, d)
		}
	}
	return perBuild, nil
}

// copyExecutable writes src to dst with plain write()s and drops dst from
// the page cache, so its first run loads it from disk, in the page-cache
// state of any program exec reads back (see bench/README.md).
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(struct{ io.Writer }{out}, in); err != nil { // a plain write loop, never copy_file_range or a reflink
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := dropFromPageCache(out); err != nil {
		out.Close()
		return fmt.Errorf("dropping %s from the page cache: %w", dst, err)
	}
	return out.Close()
}

// timeRun starts path with args, stdin and stdout/stderr as given, waits
// for it, and returns the wall time from start to exit. A run that fails
// is an error: a comparison of failures measures nothing.
func timeRun(path string, args []string, stdin, out *os.File) (time.Duration, error) {
	attr := &syscall.ProcAttr{Files: []uintptr{stdin.Fd(), out.Fd(), out.Fd()}, Env: os.Environ()}
	start := time.Now()
	pid, err := syscall.ForkExec(path, append([]string{path}, args...), attr)
	if err != nil {
		return 0, err
	}
	var ws syscall.WaitStatus
	for {
		_, err = syscall.Wait4(pid, &ws, 0, nil)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if ws.Signaled() {
		return 0, fmt.Errorf("%s %s: killed by %v", path, strings.Join(args, " "), ws.Signal())
	}
	if ws.ExitStatus() != 0 {
		return 0, fmt.Errorf("%s %s: exit status %d (run it by hand to see why)", path, strings.Join(args, " "), ws.ExitStatus())
	}
	return d, nil
}

// summary is one build's result.
type summary struct {
	mean, diff, lo, hi, sd time.Duration
}

// summarize works out each build's mean of copy medians, its difference
// from the first build's, and a 95% bootstrap interval of that
// difference, resampling the copies of both builds.
func summarize(perBuild [][]*copyOf, rng *rand.Rand) []summary {
	medians := make([][]time.Duration, len(perBuild))
	for b, cs := range perBuild {
		for _, c := range cs {
			medians[b] = append(medians[b], median(c.times))
		}
	}
	const resamples = 1000
	out := make([]summary, len(perBuild))
	for b := range perBuild {
		s := summary{mean: mean(medians[b]), sd: stddev(medians[b])}
		s.diff = s.mean - mean(medians[0])
		diffs := make([]time.Duration, resamples)
		for i := range diffs {
			diffs[i] = mean(resample(medians[b], rng)) - mean(resample(medians[0], rng))
		}
		slices.Sort(diffs)
		s.lo, s.hi = diffs[resamples*25/1000], diffs[resamples*975/1000-1]
		out[b] = s
	}
	return out
}

// report prints one line per build: its mean of copy medians, the
// difference from the first build with its 95% interval over copies, and
// the spread between its copies. The first build's interval is that of
// two resamplings of its own copies: the noise floor.
func report(w io.Writer, builds []build, perBuild [][]*copyOf, rng *rand.Rand) {
	fmt.Fprintf(w, "%d copies of each build, %d runs of each copy; 95%% intervals over copies\n", len(perBuild[0]), len(perBuild[0][0].times))
	for b, s := range summarize(perBuild, rng) {
		diff := fmt.Sprintf("%+7.1f µs (95%% %+.1f..%+.1f)", us(s.diff), us(s.lo), us(s.hi))
		if b == 0 {
			diff = fmt.Sprintf("baseline (noise %+.1f..%+.1f)", us(s.lo), us(s.hi))
		}
		fmt.Fprintf(w, "%8.1f µs  %-30s  sd between copies %5.1f µs  %s\n",
			us(s.mean), diff, us(s.sd), strings.Join(append([]string{builds[b].path}, builds[b].args...), " "))
	}
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(len(ds), 1))
}

func stddev(ds []time.Duration) time.Duration {
	if len(ds) < 2 {
		return 0
	}
	m := float64(mean(ds))
	var ss float64
	for _, d := range ds {
		ss += (float64(d) - m) * (float64(d) - m)
	}
	return time.Duration(math.Sqrt(ss / float64(len(ds)-1)))
}

func resample(ds []time.Duration, rng *rand.Rand) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i := range out {
		out[i] = ds[rng.IntN(len(ds))]
	}
	return out
}
