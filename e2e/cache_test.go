//go:build unix

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// cacheEnv gives a test its own socket in a fresh 0700 directory and stops
// the daemon when the test ends.
func cacheEnv(t *testing.T) (*gittest.Env, string) {
	e := gittest.NewEnv(t)
	dir, err := os.MkdirTemp("", "gcp-sock-") // short path: unix sockets cap at ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o700)
	socket := filepath.Join(dir, "s")
	t.Cleanup(func() {
		runBin(t, e, "", "cache", "exit", "--socket", socket)
		os.RemoveAll(dir)
	})
	return e, socket
}

func daemonPID(t *testing.T, e *gittest.Env, socket string) int {
	t.Helper()
	out, _, _ := runBin(t, e, "", "cache", "status", "--socket", socket)
	_, rest, ok := strings.Cut(out, "pid ")
	if !ok {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSuffix(strings.Fields(rest)[0], ","))
	return pid
}

// Through real git: approve, fill returns it, after the timeout fill
// returns nothing; reject erases it.
func TestCacheThroughGit(t *testing.T) {
	e, socket := cacheEnv(t)
	// 3 s, not 1: the fill must reach the daemon before the timeout, and
	// on a loaded machine git and the helper run twice in between.
	flags := []string{"--store", "cache", "--socket", socket, "--timeout", "3"}
	credential(t, e, flags, "approve", "protocol=https", "host=example.com", "username=u", "password=ghp_CACHED")
	if out := credential(t, e, flags, "fill", "protocol=https", "host=example.com"); !strings.Contains(out, "password=ghp_CACHED") {
		t.Fatalf("fill right after approve: %q", out)
	}
	time.Sleep(4 * time.Second)
	out, _, _ := runBin(t, e, "protocol=https\nhost=example.com\n", append(flags, "get")...)
	if out != "" {
		t.Fatalf("entry outlived its 3s timeout: %q", out)
	}

	long := []string{"--store", "cache", "--socket", socket, "--timeout", "1h"}
	credential(t, e, long, "approve", "protocol=https", "host=example.com", "username=u", "password=ghp_LONG")
	credential(t, e, long, "reject", "protocol=https", "host=example.com", "username=u", "password=ghp_LONG")
	if out, _, _ := runBin(t, e, "protocol=https\nhost=example.com\n", append(long, "get")...); out != "" {
		t.Fatalf("reject did not erase: %q", out)
	}
}

// A daemon killed with SIGKILL: get answers nothing at once, the next
// store starts a fresh daemon.
func TestCacheDaemonKilled(t *testing.T) {
	e, socket := cacheEnv(t)
	flags := []string{"--store", "cache", "--socket", socket}
	runBin(t, e, "protocol=https\nhost=a.example\nusername=u\npassword=one\n", append(flags, "store")...)
	pid := daemonPID(t, e, socket)
	if pid == 0 {
		t.Fatal("no daemon after store")
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	out, stderr, code := runBin(t, e, "protocol=https\nhost=a.example\n", append(flags, "get")...)
	if out != "" || stderr != "" || code != 0 {
		t.Fatalf("get after kill: code=%d out=%q err=%q", code, out, stderr)
	}
	if _, stderr, code := runBin(t, e, "protocol=https\nhost=b.example\nusername=u\npassword=two\n", append(flags, "store")...); code != 0 {
		t.Fatalf("store after kill: %s", stderr)
	}
	if out, _, _ := runBin(t, e, "protocol=https\nhost=b.example\n", append(flags, "get")...); !strings.Contains(out, "password=two") {
		t.Fatalf("new daemon did not keep the entry: %q", out)
	}
	if newPID := daemonPID(t, e, socket); newPID == 0 || newPID == pid {
		t.Fatalf("daemon pid %d after restart (old %d)", newPID, pid)
	}
}

// Layered mode: the file store answers once, then the cache does, even
// after the file is gone; store and erase reach both.
func TestCacheInFrontOfFile(t *testing.T) {
	e, socket := cacheEnv(t)
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--file", file, "--cache-for", "1h", "--socket", socket}
	credential(t, e, flags, "approve", "protocol=https", "host=layer.example", "username=u", "password=ghp_LAYER")
	if out := credential(t, e, flags, "fill", "protocol=https", "host=layer.example"); !strings.Contains(out, "ghp_LAYER") {
		t.Fatalf("fill: %q", out)
	}
	data, _ := os.ReadFile(file)
	os.Remove(file)
	if out := credential(t, e, flags, "fill", "protocol=https", "host=layer.example"); !strings.Contains(out, "ghp_LAYER") {
		t.Fatalf("cache did not answer without the file: %q", out)
	}
	os.WriteFile(file, data, 0o600)
	credential(t, e, flags, "reject", "protocol=https", "host=layer.example", "username=u", "password=ghp_LAYER")
	if out, _, _ := runBin(t, e, "protocol=https\nhost=layer.example\n", append(flags, "get")...); out != "" {
		t.Fatalf("reject left the token in one layer: %q", out)
	}
}

// A frozen cache daemon in front of the file store costs one short wait
// (cache.LayerCallTimeout), not one long one per request to it, and the
// helper says why it was slow, naming the daemon's pid.
func TestCacheLayerOverAFrozenDaemon(t *testing.T) {
	e, socket := cacheEnv(t)
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--file", file, "--cache-for", "1h", "--socket", socket}
	credential(t, e, flags, "approve", "protocol=https", "host=frozen.example", "username=u", "password=ghp_FROZEN")
	credential(t, e, flags, "fill", "protocol=https", "host=frozen.example") // the cache remembers the answer: a daemon starts
	pid := daemonPID(t, e, socket)
	if pid == 0 {
		t.Fatal("no cache daemon started")
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	out, stderr, code := runBin(t, e, "protocol=https\nhost=frozen.example\n", append(flags, "get")...)
	if code != 0 || !strings.Contains(out, "password=ghp_FROZEN\n") {
		t.Fatalf("get with a frozen daemon: exit %d, %q, %q", code, out, stderr)
	}
	want := fmt.Sprintf("did not answer within 2s (frozen, or the machine is overloaded); stop it with: kill %d", pid)
	if strings.Count(stderr, "git-credential-pat: warning: cache: the daemon at "+socket) != 1 || !strings.Contains(stderr, want) {
		t.Fatalf("stderr %q; want one warning saying %q", stderr, want)
	}
}

// list and cache act on every store git uses, credential.<url>.helper
// lines included, not only on the store of a plain credential.helper.
func TestListAndCacheSeeURLScopedHelpers(t *testing.T) {
	e, socket := cacheEnv(t)
	scoped := filepath.Join(e.Home, "scoped")
	for _, kv := range [][2]string{
		{"credential.https://gitlab.example.com.helper", helperLine("--file", scoped)},
		{"credential.https://example.com.helper", helperLine("--store", "cache", "--socket", socket, "--timeout", "600")},
	} {
		e.MustGit(t, "", "", "config", "--global", "--add", kv[0], kv[1])
	}
	gl, gh := "glpat-"+strings.Repeat("s", 16)+"sc01", cmdsToken("ghp_", rand1)
	for _, in := range []string{
		"protocol=https\nhost=gitlab.example.com\nusername=alice\npassword=" + gl + "\n\n",
		"protocol=https\nhost=example.com\nusername=bob\npassword=" + gh + "\n\n",
	} {
		e.MustGit(t, "", in, "credential", "approve")
	}
	tr := cmdsRun(t, e, e.Home, "", "list")
	if tr.code != 0 || tr.stderr != "" ||
		!regexp.MustCompile(`(?m)^gitlab\.example\.com +- +alice +glpat-\*+sc01 +- +file$`).MatchString(tr.stdout) ||
		!regexp.MustCompile(`(?m)^example\.com +- +bob +ghp_\*+`+gh[36:]+` +- +cache$`).MatchString(tr.stdout) {
		t.Fatalf("list: %+v", tr)
	}
	if tr := cmdsRun(t, e, e.Home, "", "cache", "status"); tr.code != 0 || !strings.Contains(tr.stdout, "socket "+socket+"\nentries: 1\n") {
		t.Fatalf("cache status: %+v", tr)
	}
	cmdsRun(t, e, e.Home, "", "cache", "clear").want(t, "", "", 0)
	if out, _, err := e.Git(t, "", "protocol=https\nhost=example.com\n\n", "credential", "fill"); err == nil || strings.Contains(out, gh) {
		t.Fatalf("git still gets the token after cache clear: %q %v", out, err)
	}
}

// logout of one user from two cache stores (two sockets) leaves the other
// user's entry in the store it logs out of: the label that tells the stores
// apart in its messages is not the store list the cache's forget step
// reads. (The forget step still empties the host in every other cache
// daemon, as after any logout: they may hold the old token.)
func TestLogoutTwoCachesKeepsOtherUser(t *testing.T) {
	e, socket := cacheEnv(t)
	other := socket + "2"
	t.Cleanup(func() { runBin(t, e, "", "cache", "exit", "--socket", other) })
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", helperLine("--store", "cache", "--socket", socket, "--timeout", "600"))
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.https://example.com.helper", helperLine("--store", "cache", "--socket", other, "--timeout", "600"))
	alice, bob := cmdsToken("ghp_", rand1), cmdsToken("ghp_", rand2)
	for _, in := range []string{
		"protocol=https\nhost=example.com\nusername=alice\npassword=" + alice + "\n\n",
		"protocol=https\nhost=example.com\nusername=bob\npassword=" + bob + "\n\n",
	} {
		e.MustGit(t, "", in, "credential", "approve")
	}
	if tr := cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com", "--username", "alice"); tr.code != 0 ||
		!strings.Contains(tr.stdout, "Removed https://alice@example.com (ghp_****"+alice[36:]+") from store cache:"+socket+"\n") || strings.Contains(tr.stdout, "bob") {
		t.Fatalf("logout: %+v", tr)
	}
	if tr := cmdsRun(t, e, e.Home, "", "list"); !strings.Contains(tr.stdout, "bob") || strings.Contains(tr.stdout, "alice") {
		t.Fatalf("list after logout of alice: %+v", tr)
	}
}
