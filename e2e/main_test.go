// Package e2e runs the built git-credential-pat binary the way git runs it:
// through the real git binary, against real files and a local HTTPS server.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// bin is the binary under test, built once for the whole package.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gcp-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "git-credential-pat")
	// Both programs, side by side as install.sh puts them: git runs the
	// lean git-credential-pat, which hands every command but get and store
	// to git-credential-pat-cli next to it.
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "../cmd/...")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building git-credential-pat and git-credential-pat-cli:", err)
		os.Exit(1)
	}
	// Whatever an earlier ./install.sh put on PATH, every program the tests
	// start (git running "helper = pat", doctor, completion scripts) finds
	// the binary built here first: gittest.NewEnv copies this PATH.
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cliBin is git-credential-pat-cli, which bin hands every command but
// git's get and store to.
func cliBin() string { return bin + "-cli" }

// copyBins copies bin to exe and git-credential-pat-cli next to it (mode
// 0755), as install.sh installs them.
func copyBins(t *testing.T, exe string) {
	t.Helper()
	for src, dst := range map[string]string{bin: exe, cliBin(): exe + "-cli"} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// helperLine is the credential.helper value that runs our binary with flags.
func helperLine(flags ...string) string {
	line := bin
	for _, f := range flags {
		line += " '" + strings.ReplaceAll(f, "'", `'\''`) + "'"
	}
	return line
}

// helperArgs returns git -c options that make our binary the only helper.
func helperArgs(flags ...string) []string {
	return []string{"-c", "credential.helper=", "-c", "credential.helper=" + helperLine(flags...)}
}

// cloneCommitPush clones repo into work through git with args (our
// helper's -c lines), commits file there and pushes HEAD to ref, failing
// the test if git prompted for anything: the whole round trip a person
// makes once a token is stored.
func cloneCommitPush(t *testing.T, e *gittest.Env, args []string, repo, work, file, ref string) {
	t.Helper()
	e.MustGit(t, "", "", append(args, "clone", repo, work)...)
	if err := os.WriteFile(filepath.Join(work, file), []byte(file+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.MustGit(t, work, "", "add", file)
	e.MustGit(t, work, "", "commit", "-m", file)
	e.MustGit(t, work, "", append(args, "push", "origin", ref)...)
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
}

// credential runs `git credential ACTION` with our helper and returns stdout.
func credential(t *testing.T, e *gittest.Env, flags []string, action string, in ...string) string {
	t.Helper()
	args := append(helperArgs(flags...), "credential", action)
	out, stderr, err := e.Git(t, "", strings.Join(in, "\n")+"\n\n", args...)
	if err != nil {
		t.Fatalf("git credential %s: %v\n%s", action, err, stderr)
	}
	if stderr != "" {
		t.Fatalf("git credential %s wrote to stderr: %s", action, stderr)
	}
	return out
}

// runBin runs our binary directly with the given stdin.
func runBin(t *testing.T, e *gittest.Env, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = e.Vars
	cmd.Dir = e.Home
	cmd.Stdin = strings.NewReader(stdin)
	var o, s strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &s
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return o.String(), s.String(), code
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// assertEntries checks how many credential lines the file store holds.
func assertEntries(t *testing.T, file string, want int) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "https://") {
			got++
		}
	}
	if got != want {
		t.Fatalf("file has %d entries, want %d:\n%s", got, want, data)
	}
}

// Without its sibling, the lean helper says which program is missing and
// names the command, never the rest of what was typed (a token put on the
// command line by mistake).
func TestLeanHelperWithoutSiblingShowsNoToken(t *testing.T) {
	e := gittest.NewEnv(t)
	alone := filepath.Join(t.TempDir(), "git-credential-pat")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	token := "ghp_" + strings.Repeat("S3cret", 6)
	for _, tc := range []struct {
		args []string
		what string
	}{
		{[]string{"login", "--username", token}, `"login"`},
		{[]string{token}, `"this command"`},
		// After the store flags, as a helper line or a script puts them.
		{[]string{"--store", "env", "setup"}, `"setup"`},
		{[]string{"--file", token, "list"}, `"list"`},
		{[]string{"--no-such-flag", token, "list"}, `"this command"`},
		{[]string{"abc" + token[:10]}, `"this command"`},
	} {
		cmd := exec.Command(alone, tc.args...)
		cmd.Env, cmd.Dir = e.Vars, e.Home
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.what+" is run by git-credential-pat-cli, which cannot start") || strings.Contains(string(out), token[:10]) {
			t.Errorf("%q: %v\n%s", tc.args, err, out)
		}
	}
}
