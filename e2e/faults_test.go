package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// seedFile writes n entries plus lines the store cannot parse.
func seedFile(t *testing.T, path string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# a comment someone wrote\nnot a url at all\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "https://u:seed%d@seed%d.example\n", i, i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// SIGKILL at random points of a store: the file is always the old or the
// new version, never truncated, and the unparsable lines survive.
func TestKilledWriterLosesNothing(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	before := seedFile(t, file, 2000)
	// Kill anywhere from before start-up to just after a typical store ends,
	// measured here so the range fits this machine's speed: the median of
	// three stores into a file as large, so one slow moment does not set it.
	probe := file + ".probe"
	seedFile(t, probe, 2000)
	var took []time.Duration
	for i := range 3 {
		start := time.Now()
		if _, stderr, code := runBin(t, e, fmt.Sprintf("protocol=https\nhost=warmup%d.example\nusername=u\npassword=w\n", i), "--file", probe, "store"); code != 0 {
			t.Fatal(stderr)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	window := took[1] * 5 / 2
	const iterations = 80
	committed := 0
	for i := 0; i < iterations; i++ {
		cmd := exec.Command(bin, "--file", file, "store")
		cmd.Env = e.Vars
		cmd.Stdin = strings.NewReader(fmt.Sprintf("protocol=https\nhost=kill%d.example\nusername=u\npassword=tok%d\n", i, i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(window))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		os.Remove(file + ".lock") // a killed writer leaves its lock, as git's does

		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
		after := string(data)
		added := fmt.Sprintf("https://u:tok%d@kill%d.example\n", i, i)
		switch after {
		case before:
		case added + before:
			committed++
		default:
			t.Fatalf("iteration %d: file is neither the old nor the new version (%d bytes, had %d)", i, len(after), len(before))
		}
		before = after
	}
	t.Logf("%d of %d killed writers had committed (kill window %v)", committed, iterations, window)
	if committed == 0 || committed == iterations {
		t.Fatalf("every kill landed on the same side (%d of %d committed): the test did not exercise a write in progress", committed, iterations)
	}
}

// A write that cannot complete (file size limit, read-only or full
// filesystem) fails with one clear line and leaves the old file intact.
func TestFailedWriteKeepsOldFile(t *testing.T) {
	e := gittest.NewEnv(t)
	big := "protocol=https\nhost=big.example\nusername=u\npassword=" + strings.Repeat("x", 30000) + "\n"

	t.Run("file size limit", func(t *testing.T) {
		file := filepath.Join(e.Home, "limited")
		before := seedFile(t, file, 5)
		cmd := exec.Command("sh", "-c", `ulimit -f 8 && exec "$0" --file "$1" store`, bin, file)
		cmd.Env = e.Vars
		cmd.Stdin = strings.NewReader(big)
		out, err := cmd.CombinedOutput()
		assertFailedWrite(t, file, before, string(out), err, "file too large")
	})

	for _, tc := range []struct{ name, opts, wantErr string }{
		{"full filesystem", "size=16k", "no space left"},
		{"read-only filesystem", "size=1m", "read-only file system"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := mountTmpfs(t, tc.opts)
			file := filepath.Join(dir, "creds")
			before := seedFile(t, file, 5)
			if strings.HasPrefix(tc.name, "read-only") {
				if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
					t.Fatalf("remount ro: %v %s", err, out)
				}
			}
			_, stderr, code := runBin(t, e, big, "--file", file, "store")
			var err error
			if code != 0 {
				err = fmt.Errorf("exit %d", code)
			}
			assertFailedWrite(t, file, before, stderr, err, tc.wantErr)
		})
	}
}

func assertFailedWrite(t *testing.T, file, before, stderr string, err error, wantErr string) {
	t.Helper()
	if err == nil {
		t.Fatal("store succeeded")
	}
	if !strings.Contains(stderr, wantErr) || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "xxxxxxxx") {
		t.Fatalf("stderr = %q, want one line containing %q", stderr, wantErr)
	}
	if data, _ := os.ReadFile(file); string(data) != before {
		t.Fatal("the old file changed")
	}
	if _, err := os.Stat(file + ".lock"); err == nil {
		t.Fatal("a lock file was left behind")
	}
}

// mountTmpfs mounts a small tmpfs (root only; CI runs as root).
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	testenv.Root(t, "mounting a tmpfs")
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		testenv.Unavailable(t, "mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}
