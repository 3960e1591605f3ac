//go:build linux

package keyringtest

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// secretTool runs secret-tool against k with stdin as input.
func secretTool(t *testing.T, k *Keyring, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, NeedTool(t, "secret-tool"), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + k.Dir}, k.Env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestKeyringLifecycle(t *testing.T) {
	k := Start(t)
	if !strings.HasPrefix(k.Address, "unix:path=") {
		t.Fatalf("address %q", k.Address)
	}
	if out, err := secretTool(t, k, "pw", "store", "--label=x", "service", "keyringtest", "user", "u"); err != nil {
		t.Fatalf("store: %v: %s", err, out)
	}
	if out, err := secretTool(t, k, "", "lookup", "service", "keyringtest"); err != nil || out != "pw" {
		t.Fatalf("lookup = %q, %v", out, err)
	}

	if err := k.Lock(); err != nil {
		t.Fatal(err)
	}
	if err := k.Unlock(); err != nil {
		t.Fatal(err)
	}
	if out, err := secretTool(t, k, "", "lookup", "service", "keyringtest"); err != nil || out != "pw" {
		t.Fatalf("lookup after unlock = %q, %v", out, err)
	}

	if err := k.Clear(); err != nil {
		t.Fatal(err)
	}
	if out, _ := secretTool(t, k, "", "lookup", "service", "keyringtest"); out != "" {
		t.Fatalf("lookup after clear = %q", out)
	}

	if err := k.Freeze(); err != nil {
		t.Fatal(err)
	}
	if err := k.Thaw(); err != nil {
		t.Fatal(err)
	}

	pids := []int{k.daemon.cmd.Process.Pid, k.bus.cmd.Process.Pid}
	k.Stop()
	k.Stop() // idempotent
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("process %d still exists after Stop", pid)
		}
	}
	if _, err := os.Stat(k.Dir); !os.IsNotExist(err) {
		t.Errorf("%s not removed: %v", k.Dir, err)
	}
}

// A frozen daemon must still be stopped.
func TestStopFrozen(t *testing.T) {
	k := Start(t)
	if err := k.Freeze(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { k.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop hung on a frozen daemon")
	}
}
