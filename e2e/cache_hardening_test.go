//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// The cache daemon holds tokens in memory: it must not dump core, and other
// processes of the same user must not be able to ptrace or read it. A
// non-dumpable process has its /proc entries owned by root, which is what
// this checks, running the daemon as an unprivileged user.
func TestCacheDaemonNotDumpable(t *testing.T) {
	testenv.Root(t, "running the daemon as another user (uid 65534, with setpriv)")
	e := gittest.NewEnv(t)
	home, err := os.MkdirTemp("", "gcp-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home)
	if err := os.Chown(home, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	os.Chmod(home, 0o700)
	os.Chmod(filepath.Dir(bin), 0o755) // let uid 65534 run the binary
	socket := filepath.Join(home, "s")
	asNobody := func(stdin string, args ...string) string {
		cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)...)
		cmd.Env = append(e.Vars, "HOME="+home, "XDG_RUNTIME_DIR="+home)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v as uid 65534: %v\n%s", args, err, out)
		}
		return string(out)
	}
	defer asNobody("", "cache", "exit", "--socket", socket)

	asNobody("protocol=https\nhost=h\nusername=u\npassword=ghp_MEMORY\n", "--store", "cache", "--socket", socket, "store")
	status := asNobody("", "cache", "status", "--socket", socket)
	_, rest, ok := strings.Cut(status, "pid ")
	if !ok {
		t.Fatalf("no daemon: %s", status)
	}
	pid, _ := strconv.Atoi(strings.TrimSuffix(strings.Fields(rest)[0], ","))

	var st syscall.Stat_t
	if err := syscall.Stat("/proc/"+strconv.Itoa(pid)+"/environ", &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != 0 {
		t.Fatalf("daemon (uid 65534) is dumpable: /proc/%d/environ owned by uid %d, want 0", pid, st.Uid)
	}
	limits, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(l, "Max core file size") && strings.Fields(l)[4] != "0" {
			t.Fatalf("daemon may dump core: %s", l)
		}
	}
}
