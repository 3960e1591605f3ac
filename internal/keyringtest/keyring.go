//go:build linux

package keyringtest

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// Password unlocks the test keyring's login collection.
const Password = "keyringtest-password"

// startTimeout bounds how long the bus and the keyring may take to come up.
const startTimeout = 15 * time.Second

// ErrMissingTool is wrapped by StartMain's error when dbus-daemon or
// gnome-keyring-daemon is not installed.
var ErrMissingTool = errors.New("keyringtest: required tool not installed")

// Keyring is a running private session bus with gnome-keyring on it.
type Keyring struct {
	Address string   // the bus address, for DBUS_SESSION_BUS_ADDRESS
	Env     []string // DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR (holding the bus socket)
	Dir     string   // temporary root of HOME, XDG_DATA_HOME and the runtime dir

	bus, daemon *proc
	logs        *gittest.SyncBuffer // both daemons' stderr, for failure messages
	stopOnce    sync.Once
}

// NeedTool returns the path of an executable, skipping the test when it is
// missing, or failing it when CI=true (a broken CI image must not pass).
func NeedTool(tb testing.TB, name string) string {
	tb.Helper()
	return testenv.Tool(tb, name, "Debian: apt-get install dbus gnome-keyring libsecret-tools")
}

// Start starts a keyring for one test and stops it in tb.Cleanup. Missing
// tools skip the test (fail it when CI=true).
func Start(tb testing.TB) *Keyring {
	tb.Helper()
	NeedTool(tb, "dbus-daemon")
	NeedTool(tb, "gnome-keyring-daemon")
	k, stop, err := StartMain()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return k
}

// StartMain starts a keyring and returns it with the function that stops
// it, for TestMain. The error wraps ErrMissingTool when a daemon is not
// installed, so the caller can decide to skip.
func StartMain() (*Keyring, func(), error) {
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, func() {}, fmt.Errorf("%w: %s: %v", ErrMissingTool, tool, err)
		}
	}
	// os.MkdirTemp, not t.TempDir: a unix socket path must stay under 108 bytes.
	dir, err := os.MkdirTemp("", "keyringtest-")
	if err != nil {
		return nil, func() {}, fmt.Errorf("keyringtest: %w", err)
	}
	k := &Keyring{Dir: dir, logs: &gittest.SyncBuffer{}}
	if err := k.start(); err != nil {
		k.Stop()
		return nil, func() {}, fmt.Errorf("keyringtest: %w\n%s", err, k.logs.String())
	}
	return k, k.Stop, nil
}

func (k *Keyring) start() error {
	run := filepath.Join(k.Dir, "run")
	for _, d := range []string{"home", "data", "config", "cache", "run"} {
		if err := os.Mkdir(filepath.Join(k.Dir, d), 0o700); err != nil {
			return err
		}
	}
	sock := filepath.Join(run, "bus")
	conf := filepath.Join(k.Dir, "bus.conf")
	if err := os.WriteFile(conf, busConfig(sock), 0o600); err != nil {
		return err
	}

	// Our own config has no service directories, so nothing is
	// D-Bus-activated behind the test's back (no second keyring, no prompter).
	bus := command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address")
	bus.Stderr = k.logs
	out, err := bus.StdoutPipe()
	if err != nil {
		return err
	}
	// Read the address before start's Wait goroutine may close the pipe.
	addrc := firstLine(out)
	if k.bus, err = start(bus); err != nil {
		return err
	}
	addr, err := wait(addrc, startTimeout)
	if err != nil {
		return fmt.Errorf("dbus-daemon did not print its address: %w", err)
	}
	k.Address = addr
	k.Env = []string{"DBUS_SESSION_BUS_ADDRESS=" + addr, "XDG_RUNTIME_DIR=" + run}

	// --foreground keeps the pid ours (for Freeze and Stop); --unlock reads
	// the password from stdin and creates the login collection unlocked.
	daemon := command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	daemon.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"LANG=C",
		"HOME=" + filepath.Join(k.Dir, "home"),
		"XDG_DATA_HOME=" + filepath.Join(k.Dir, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(k.Dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(k.Dir, "cache"),
	}, k.Env...)
	daemon.Stdin = strings.NewReader(Password)
	daemon.Stdout = k.logs
	daemon.Stderr = k.logs
	if k.daemon, err = start(daemon); err != nil {
		return err
	}
	return k.waitReady()
}

// command builds a daemon command that dies with the test binary even if
// the test is killed before Stop runs.
func command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return c
}

func busConfig(sock string) []byte {
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(sock)) // writing to a bytes.Buffer cannot fail
	return []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=` + esc.String() + `</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`)
}

// proc is a started daemon whose exit is noticed by a waiting goroutine.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and been reaped
}

func start(c *exec.Cmd) (*proc, error) {
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", c.Path, err)
	}
	p := &proc{cmd: c, done: make(chan struct{})}
	go func() {
		_ = c.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// firstLine reads the first line of r in the background, then drains r.
func firstLine(r io.Reader) <-chan string {
	ch := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		ch <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, r)
	}()
	return ch
}

func wait(ch <-chan string, timeout time.Duration) (string, error) {
	select {
	case line := <-ch:
		if line == "" {
			return "", errors.New("empty output")
		}
		return line, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("nothing after %v", timeout)
	}
}

// waitReady polls until the Secret Service owns its name and has a default
// collection: the daemon needs a few milliseconds after it starts.
func (k *Keyring) waitReady() error {
	conn, err := k.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline := time.Now().Add(startTimeout)
	for {
		var owned bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&owned)
		if err == nil && owned {
			if _, err = defaultCollection(conn); err == nil {
				return nil
			}
		}
		if k.daemon.exited() {
			return errors.New("gnome-keyring-daemon exited")
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Secret Service did not come up within %v (last error: %v)", startTimeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Setenv points the test's own process at this keyring (tb.Setenv, so the
// test cannot be parallel).
func (k *Keyring) Setenv(tb testing.TB) {
	tb.Helper()
	for _, kv := range k.Env {
		key, v, _ := strings.Cut(kv, "=")
		tb.Setenv(key, v)
	}
}

// Freeze stops the keyring daemon (SIGSTOP): calls to it then hang, as
// they do with a stuck keyring.
func (k *Keyring) Freeze() error { return k.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen keyring daemon (SIGCONT).
func (k *Keyring) Thaw() error { return k.signal(syscall.SIGCONT) }

func (k *Keyring) signal(sig syscall.Signal) error {
	if k.daemon == nil || k.daemon.exited() {
		return errors.New("keyringtest: keyring daemon not running")
	}
	if err := k.daemon.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("keyringtest: %v to gnome-keyring-daemon: %w", sig, err)
	}
	return nil
}

// StopKeyring kills only the keyring daemon, leaving the bus up: the
// state of a session with no Secret Service (nothing is D-Bus-activated
// on this bus).
func (k *Keyring) StopKeyring() {
	if k.daemon != nil {
		_ = k.daemon.cmd.Process.Kill()
		<-k.daemon.done
	}
}

// Stop kills the keyring daemon and the bus (by pid), waits for them and
// removes the temporary directory. It is safe to call more than once.
func (k *Keyring) Stop() {
	k.stopOnce.Do(func() {
		for _, p := range []*proc{k.daemon, k.bus} {
			if p == nil {
				continue
			}
			_ = p.cmd.Process.Kill() // SIGKILL also ends a frozen (SIGSTOPped) daemon
			<-p.done
		}
		if k.Dir != "" {
			_ = os.RemoveAll(k.Dir)
		}
	})
}

// connect opens a private connection to this keyring's bus. Private, not
// dbus.SessionBus: that one is cached per process and would keep talking
// to whichever bus the first test used.
func (k *Keyring) connect() (*dbus.Conn, error) {
	conn, err := dbus.Connect(k.Address)
	if err != nil {
		return nil, fmt.Errorf("keyringtest: connecting to %s: %w", k.Address, err)
	}
	return conn, nil
}
