package e2e

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// The README's examples of what the program prints are kept honest here.
//
// A README block that shows output is marked with the script it comes from:
//
//	<!-- transcript: doctor -->
//	```
//	$ git-credential-pat doctor
//	ok    path  ...
//	```
//
// testdata/script/doctor.txtar is a testscript run against the binary this
// package built. Its unshown setup is ordinary testscript; each command the
// README shows is run with "show" and followed by the assertion of its
// output ("cmp stdout FILE", "cmp stdout $WORK/FILE" after a cd, or
// "! stdout ." for none):
//
//	show git-credential-pat doctor
//	cmp stdout doctor.out
//
// "show" runs the command with stdout and stderr merged, as a terminal
// shows them ("show CMD ARGS < FILE" reads stdin from FILE; "show -tty CMD
// ARGS < FILE" types FILE at a hidden prompt on a pseudo-terminal and the
// README shows only "$ CMD ARGS"), and prints $HOME as /home/you and
// $XDG_RUNTIME_DIR as /run/user/1000. TestREADME
// runs every script, then checks that each marked README block is exactly
// "$ CMD ARGS" followed by the asserted output, for every show in order,
// after replacing the parts that change from run to run (readmeVolatile)
// on both sides.
//
// To accept new output: go test ./e2e -run TestREADME -update
// rewrites the scripts' expected output and the README blocks from what
// the program printed.

var updateREADME = flag.Bool("update", false, "TestREADME: rewrite the README's transcript blocks and the scripts' expected output from what the program prints")

const (
	readmePath = "../README.md"
	scriptDir  = "../testdata/script"
	// What show prints instead of the script's temporary directories.
	readmeHome    = "/home/you"
	readmeRuntime = "/run/user/1000"
)

// readmeVolatile are the parts of the output that differ between runs,
// replaced by a placeholder on both sides before comparing.
var readmeVolatile = []struct {
	re          *regexp.Regexp
	placeholder string
}{
	{regexp.MustCompile(`\b\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\b`), "YYYY-MM-DD hh:mm UTC"},                                            // expiry dates
	{regexp.MustCompile(`\(\d{2}:\d{2}:\d{2}\)`), "(hh:mm:ss)"},                                                                      // cache status: next expiry
	{regexp.MustCompile(`\bpid \d+`), "pid PID"},                                                                                     // cache status
	{regexp.MustCompile(`\bmemory: \d+(\.\d+)? [KMG]iB`), "memory: N MiB"},                                                           // cache status
	{regexp.MustCompile(`git-credential-pat (devel|v\d[^\s)]*)( \(commit [0-9a-f]+, built [^)]*\))?`), "git-credential-pat VERSION"}, // version, doctor
}

// normaliseVolatile replaces readmeVolatile, and drops spaces at the ends
// of lines (editors strip them from the README; login's prompt ends in one).
func normaliseVolatile(s string) string {
	for _, v := range readmeVolatile {
		s = v.re.ReplaceAllString(s, v.placeholder)
	}
	return trailingSpace.ReplaceAllString(s, "")
}

var trailingSpace = regexp.MustCompile(`(?m)[ \t]+$`)

// shown is one command a README block shows, as its script states it.
type shown struct {
	display string // the command as written after "show"
	want    string // the output the script asserts
}

// loadScript reads the shown commands and their asserted output from a
// script, without running it.
func loadScript(path string) ([]shown, error) {
	a, err := txtar.ParseFile(path)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, f := range a.Files {
		files[f.Name] = string(f.Data)
	}
	lines := strings.Split(string(a.Comment), "\n")
	var out []shown
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		rest, ok := strings.CutPrefix(strings.TrimPrefix(line, "! "), "show ")
		if !ok {
			continue
		}
		s := shown{display: strings.TrimSpace(rest)}
		if d, ok := strings.CutPrefix(s.display, "-tty "); ok {
			// What is typed at the terminal is not shown.
			s.display = strings.TrimSpace(d)
			if j := strings.LastIndex(s.display, " < "); j >= 0 {
				s.display = s.display[:j]
			}
		}
		next := ""
		if i+1 < len(lines) {
			next = strings.Join(strings.Fields(lines[i+1]), " ")
		}
		switch {
		case next == "! stdout .":
		case strings.HasPrefix(next, "cmp stdout "):
			name := strings.TrimPrefix(strings.TrimPrefix(next, "cmp stdout "), "$WORK/")
			data, ok := files[name]
			if !ok {
				return nil, fmt.Errorf("line %d: cmp stdout %s: no file %q in the script", i+2, name, name)
			}
			s.want = data
		default:
			return nil, fmt.Errorf(`line %d: "show %s" must be followed by "cmp stdout FILE" or "! stdout ." (the output the README shows), not %q`, i+1, s.display, next)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no show command: nothing for the README to show")
	}
	return out, nil
}

// blockText is what a README block built from cmds and outputs holds.
func blockText(cmds []shown, outputs []string) string {
	var b strings.Builder
	for i, c := range cmds {
		b.WriteString("$ " + c.display + "\n")
		b.WriteString(outputs[i])
	}
	return b.String()
}

// readmeBlock is a fenced README block marked <!-- transcript: NAME -->.
type readmeBlock struct {
	name       string
	line       int // 1-based line of the marker
	start, end int // 0-based indexes of the content lines: lines[start:end]
	indent     string
	text       string
}

var transcriptMarker = regexp.MustCompile(`^\s*<!-- transcript: (\S+) -->\s*$`)

func readmeBlocks(readme string) ([]readmeBlock, error) {
	lines := strings.Split(readme, "\n")
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		m := transcriptMarker.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i+1]), "```") {
			return nil, fmt.Errorf("README.md:%d: <!-- transcript: %s --> must be directly followed by a ``` block", i+1, m[1])
		}
		fence := lines[i+1]
		b := readmeBlock{name: m[1], line: i + 1, start: i + 2, indent: fence[:len(fence)-len(strings.TrimLeft(fence, " \t"))]}
		var text strings.Builder
		j := b.start
		for ; j < len(lines) && strings.TrimSpace(lines[j]) != "```"; j++ {
			text.WriteString(strings.TrimPrefix(lines[j], b.indent) + "\n")
		}
		if j == len(lines) {
			return nil, fmt.Errorf("README.md:%d: the block of <!-- transcript: %s --> is not closed", i+1, b.name)
		}
		b.end, b.text = j, text.String()
		blocks = append(blocks, b)
		i = j
	}
	return blocks, nil
}

// recorder keeps what each show printed (paths shown as the README shows
// them, nothing else replaced), for -update.
type recorder struct {
	mu      sync.Mutex
	outputs map[string][]string // script name -> output of each show, in order
}

func (r *recorder) add(script, out string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outputs[script] = append(r.outputs[script], trailingSpace.ReplaceAllString(out, ""))
}

func TestREADME(t *testing.T) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := readmeBlocks(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(scriptDir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in %s: %v", scriptDir, err)
	}
	scripts := map[string][]shown{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		cmds, err := loadScript(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		scripts[name] = cmds
	}

	rec := &recorder{outputs: map[string][]string{}}
	ok := t.Run("scripts", func(t *testing.T) {
		testscript.Run(t, testscript.Params{
			Dir:           scriptDir,
			UpdateScripts: *updateREADME,
			Setup:         readmeSetup,
			Cmds:          map[string]func(*testscript.TestScript, bool, []string){"show": rec.show},
		})
	})
	if !ok {
		t.Logf("a script's output changed: if the new output is right, run go test ./e2e -run TestREADME -update (rewrites the scripts' expected output and the README blocks; review the diff)")
	}

	t.Run("blocks", func(t *testing.T) {
		seen := map[string]bool{}
		for _, b := range blocks {
			cmds, ok := scripts[b.name]
			if !ok {
				t.Errorf("README.md:%d: <!-- transcript: %s --> names no script: want %s/%s.txtar", b.line, b.name, scriptDir, b.name)
				continue
			}
			if seen[b.name] {
				t.Errorf("README.md:%d: a second block for transcript %s; give each block its own script", b.line, b.name)
			}
			seen[b.name] = true
			if *updateREADME {
				continue
			}
			outputs := make([]string, len(cmds))
			for i, c := range cmds {
				outputs[i] = c.want
			}
			got, want := normaliseVolatile(b.text), normaliseVolatile(blockText(cmds, outputs))
			if got != want {
				t.Errorf("README.md:%d: the block <!-- transcript: %s --> is not what %s/%s.txtar shows (-README +script, volatile parts replaced):\n%s\n"+
					"Fix the README block, or run: go test ./e2e -run TestREADME -update (rewrites the README blocks and the scripts' expected output from what the program prints; review the diff)",
					b.line, b.name, scriptDir, b.name, diff.Diff("README.md", []byte(got), b.name+".txtar", []byte(want)))
			}
		}
		names := make([]string, 0, len(scripts))
		for name := range scripts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if !seen[name] {
				t.Errorf("%s/%s.txtar is shown nowhere: put <!-- transcript: %s --> before its block in README.md, or delete the script", scriptDir, name, name)
			}
		}
	})

	if *updateREADME && !t.Failed() {
		lines := strings.Split(string(readme), "\n")
		for k := len(blocks) - 1; k >= 0; k-- { // from the end, so earlier indexes stay valid
			b := blocks[k]
			cmds, outputs := scripts[b.name], rec.outputs[b.name]
			if len(outputs) != len(cmds) {
				t.Fatalf("%s: %d outputs recorded for %d shown commands", b.name, len(outputs), len(cmds))
			}
			text := blockText(cmds, outputs)
			if normaliseVolatile(text) == normaliseVolatile(b.text) {
				continue // only dates, pids and the like differ: keep the README's
			}
			var block []string
			for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				block = append(block, b.indent+l)
			}
			lines = append(lines[:b.start], append(block, lines[b.end:]...)...)
		}
		if err := os.WriteFile(readmePath, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the transcript blocks that differ in %s; review with git diff", readmePath)
	}
}

// readmeSetup gives each script its own HOME and XDG directories, git
// isolated from the machine's config, and the binary this package built
// installed as ~/.local/bin/git-credential-pat, first on PATH.
func readmeSetup(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	runtime := filepath.Join(env.WorkDir, "run")
	localBin := filepath.Join(home, ".local", "bin")
	for _, d := range []string{localBin, filepath.Join(home, ".config"), filepath.Join(home, ".cache")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.Mkdir(runtime, 0o700); err != nil {
		return err
	}
	if err := linkOrCopy(cliBin(), filepath.Join(localBin, "git-credential-pat-cli")); err != nil {
		return err
	}
	if err := linkOrCopy(bin, filepath.Join(localBin, "git-credential-pat")); err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{"HOME", home},
		{"XDG_CONFIG_HOME", filepath.Join(home, ".config")},
		{"XDG_CACHE_HOME", filepath.Join(home, ".cache")},
		{"XDG_DATA_HOME", filepath.Join(home, ".local", "share")},
		{"XDG_STATE_HOME", filepath.Join(home, ".local", "state")},
		{"XDG_RUNTIME_DIR", runtime},
		{"PATH", localBin + string(os.PathListSeparator) + env.Getenv("PATH")},
		{"GIT_CONFIG_NOSYSTEM", "1"},
		{"GIT_TERMINAL_PROMPT", "0"},
		{"GIT_CREDENTIAL_PAT_VERIFY", "0"},            // never ask a real forge's API
		{"GIT_CREDENTIAL_PAT_ENVIRONMENT", "desktop"}, // doctor's advice must not depend on this machine
		{"LC_ALL", "C"},
	} {
		env.Setenv(kv[0], kv[1])
	}
	env.Values["script"] = strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
	var keys []string
	for _, kv := range env.Vars {
		if k, _, ok := strings.Cut(kv, "="); ok {
			keys = append(keys, k)
		}
	}
	env.Values["envkeys"] = keys // for show -tty, which runs the command itself
	vars := env.Vars
	env.Defer(func() { stopCacheDaemon(vars, home) })
	return nil
}

// stopCacheDaemon stops a cache daemon a script started and did not stop.
func stopCacheDaemon(vars []string, dir string) {
	cmd := exec.Command(bin, "cache", "exit")
	cmd.Env, cmd.Dir = vars, dir
	_ = cmd.Run()
}

func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// show runs a command the README shows: "show CMD ARGS... [< FILE]".
// stdout and stderr are merged as on a terminal; the output, with the
// script's HOME and XDG_RUNTIME_DIR printed as the README prints them and
// readmeVolatile replaced, becomes stdout for the next cmp.
//
// "show -tty CMD ARGS... < FILE" gives the command a terminal as stdin and
// types FILE there once the command has turned echo off, as a person
// typing a token at a hidden prompt; the README shows "$ CMD ARGS...".
func (r *recorder) show(ts *testscript.TestScript, neg bool, args []string) {
	tty := len(args) > 0 && args[0] == "-tty"
	if tty {
		args = args[1:]
	}
	stdin := os.DevNull
	if n := len(args); n >= 2 && args[n-2] == "<" {
		stdin, args = ts.MkAbs(args[n-1]), args[:n-2]
	}
	if len(args) == 0 || tty && stdin == os.DevNull {
		ts.Fatalf("usage: show [-tty] CMD [ARGS...] [< FILE] (-tty needs < FILE: what is typed)")
	}
	var out string
	var err error
	if tty {
		out, err = showOnTTY(ts, args, stdin)
	} else {
		err = ts.Exec("sh", append([]string{"-c", `f=$1; shift; exec "$@" <"$f" 2>&1`, "sh", stdin}, args...)...)
		out = ts.ReadFile("stdout")
	}
	for _, p := range [][2]string{{ts.Getenv("XDG_RUNTIME_DIR"), readmeRuntime}, {ts.Getenv("HOME"), readmeHome}} {
		out = strings.ReplaceAll(out, p[0], p[1])
	}
	if script, ok := ts.Value("script").(string); ok {
		r.add(script, out)
	}
	switch {
	case neg && err == nil:
		ts.Fatalf("show %s: succeeded, want a failure", strings.Join(args, " "))
	case !neg && err != nil:
		ts.Fatalf("show %s: %v", strings.Join(args, " "), err)
	}
	fmt.Fprint(ts.Stdout(), normaliseVolatile(out))
}

// showOnTTY runs args in the script's directory and environment with
// runOnTTY, typing the content of the file input.
func showOnTTY(ts *testscript.TestScript, args []string, input string) (string, error) {
	typed, err := os.ReadFile(input)
	if err != nil {
		return "", err
	}
	keys, _ := ts.Value("envkeys").([]string)
	env := []string{"PWD=" + ts.MkAbs(".")}
	for _, k := range keys {
		env = append(env, k+"="+ts.Getenv(k))
	}
	path := args[0]
	if !strings.Contains(path, "/") {
		for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
			if p := filepath.Join(dir, path); isExecutable(p) {
				path = p
				break
			}
		}
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Env, cmd.Dir = env, ts.MkAbs(".")
	out, err := runOnTTY(cmd, string(typed))
	ts.Logf("[terminal output]\n%s", out)
	return out, err
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
