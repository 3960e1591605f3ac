//go:build unix

package daemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// The test binary doubles as the daemon and as a separate client process:
// "cache-daemon --socket PATH" is what the CLI's hidden subcommand runs,
// "cache-client SOCKET ACTION HOST" is a client in a process of its own.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "cache-daemon":
			os.Exit(daemonMain(os.Args[2:]))
		case "cache-client":
			os.Exit(clientMain(os.Args[2:]))
		}
	}
	// Daemons run with stderr on /dev/null: have the race detector write
	// its reports where we look.
	raceDir, err := os.MkdirTemp("", "gcp-race")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// atexit_sleep_ms: the race runtime otherwise waits 1s in every exiting daemon.
	os.Setenv("GORACE", "atexit_sleep_ms=0 log_path="+filepath.Join(raceDir, "report"))
	code := m.Run()
	for _, s := range usedSockets() {
		for _, pid := range daemonPIDs(s) {
			fmt.Fprintf(os.Stderr, "daemon %d for %s outlived the tests; killing it\n", pid, s)
			syscall.Kill(pid, syscall.SIGKILL)
			code = 1
		}
	}
	reports, _ := filepath.Glob(filepath.Join(raceDir, "report*"))
	for _, r := range reports {
		data, _ := os.ReadFile(r)
		fmt.Fprintf(os.Stderr, "race report from a child process:\n%s\n", data)
		code = 1
	}
	os.RemoveAll(raceDir)
	os.Exit(code)
}

func daemonMain(args []string) int {
	fs := flag.NewFlagSet("cache-daemon", flag.ContinueOnError)
	socket := fs.String("socket", "", "socket path")
	cfg := defaultConfig
	fs.DurationVar(&cfg.grace, "grace", cfg.grace, "exit after this long with no entries")
	fs.DurationVar(&cfg.ioTimeout, "io-timeout", cfg.ioTimeout, "per-connection deadline")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := runDaemon(context.Background(), *socket, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// clientMain stores "pw-HOST" for HOST, or gets HOST's password, and
// prints the outcome.
func clientMain(args []string) int {
	if len(args) != 3 && len(args) != 4 {
		fmt.Println("usage: cache-client SOCKET store|get HOST [raw]")
		return 2
	}
	var c credential.Store
	if len(args) == 4 && args[3] == "raw" {
		c = rawClient{args[0]}
	} else {
		client, err := cache.Open(cache.Options{Socket: args[0], Exe: os.Args[0]})
		if err != nil {
			fmt.Println(err)
			return 1
		}
		c = client
	}
	var err error
	ctx := context.Background()
	switch args[1] {
	case "store":
		err = c.Store(ctx, cred(args[2], "pw-"+args[2]))
		if err == nil {
			fmt.Println("ok")
		}
	case "get":
		var found credential.Credential
		found, err = c.Get(ctx, cred(args[2], ""))
		if err == nil {
			fmt.Println("password=" + found.Password)
		}
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	return 0
}

// rawClient asks the daemon as the client does, but without the client's
// check of the socket directory, so that the daemon's own peer check is
// what refuses another user.
type rawClient struct{ socket string }

func (r rawClient) Get(_ context.Context, q credential.Credential) (credential.Credential, error) {
	rep, err := r.call(wire.ActGet, q)
	if err != nil || rep.Status != wire.StOK || len(rep.Creds) != 1 {
		return credential.Credential{}, fmt.Errorf("get: %+v, %w", rep, err)
	}
	return wire.DecodeCred(rep.Creds[0])
}

func (r rawClient) Store(_ context.Context, c credential.Credential) error {
	_, err := r.call(wire.ActStore, c)
	return err
}

func (r rawClient) Erase(_ context.Context, q credential.Credential) error {
	_, err := r.call(wire.ActErase, q)
	return err
}

func (r rawClient) call(action string, c credential.Credential) (wire.Reply, error) {
	b, err := wire.EncodeCred(c)
	if err != nil {
		return wire.Reply{}, err
	}
	conn, err := unixsock.Dial(context.Background(), r.socket)
	if err != nil {
		return wire.Reply{}, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	if err := wire.SendRequest(conn, wire.Request{Action: action, Cred: b, Timeout: time.Minute}); err != nil {
		return wire.Reply{}, err
	}
	var rep wire.Reply
	if err := wire.ReceiveReply(conn, wire.MaxReply, &rep); err != nil {
		return wire.Reply{}, err
	}
	if rep.Status == wire.StError {
		return rep, fmt.Errorf("cache daemon at %s: %s", r.socket, rep.Error)
	}
	return rep, nil
}

// spawnDaemon starts a daemon as the client does (unixsock.Spawn, waiting
// for its report on the ready pipe), but without the client's in-process
// lock.
func spawnDaemon(o cache.Options) error {
	msg, _, err := unixsock.Spawn(o.Exe, append(slices.Clone(o.DaemonArgs), "--socket", o.Socket), wire.ReadyEnv, time.Now().Add(time.Minute))
	if err != nil {
		return err
	}
	if msg != "ok\n" {
		return fmt.Errorf("daemon reported %q, want ok", msg)
	}
	return nil
}

var sockets struct {
	sync.Mutex
	list []string
}

func usedSockets() []string {
	sockets.Lock()
	defer sockets.Unlock()
	return slices.Clone(sockets.list)
}

// testOptions gives a test its own socket in a fresh 0700 directory, and
// stops whatever daemon serves it when the test ends. daemonArgs go to
// the daemon after "cache-daemon".
func testOptions(t testing.TB, daemonArgs ...string) cache.Options {
	t.Helper()
	// Not t.TempDir: its long names overflow the 104-byte socket path limit.
	dir, err := os.MkdirTemp("", "gcp")
	if err != nil {
		t.Fatal(err)
	}
	o := cache.Options{
		Socket:     filepath.Join(dir, "socket"),
		Exe:        os.Args[0],
		DaemonArgs: append([]string{"cache-daemon"}, daemonArgs...),
	}
	sockets.Lock()
	sockets.list = append(sockets.list, o.Socket)
	sockets.Unlock()
	t.Cleanup(func() {
		stopDaemon(t, o)
		os.RemoveAll(dir)
	})
	return o
}

// stopDaemon asks the daemon to exit, then makes sure it has.
func stopDaemon(t testing.TB, o cache.Options) {
	t.Helper()
	if err := cache.Exit(o); err != nil {
		t.Errorf("exit: %v", err)
	}
	if err := waitNoDaemon(o.Socket, 10*time.Second); err != nil {
		t.Error(err)
		for _, pid := range daemonPIDs(o.Socket) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// waitNoDaemon waits, at most bound, until no daemon process serves socket.
func waitNoDaemon(socket string, bound time.Duration) error {
	// A killed process loses its command line (its memory) before its
	// files: wait until the socket refuses connections too.
	gone := func() bool {
		if len(daemonPIDs(socket)) > 0 {
			return false
		}
		conn, err := net.Dial("unix", socket)
		if err == nil {
			conn.Close()
		}
		return err != nil
	}
	return waitFor(bound, gone,
		func() error { return fmt.Errorf("daemons %v for %s still running", daemonPIDs(socket), socket) })
}

// waitFor polls cond until it holds or bound passes. Bounds are generous:
// they catch hangs, they do not measure speed.
func waitFor(bound time.Duration, cond func() bool, fail func() error) error {
	for end := time.Now().Add(bound); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			return fail()
		}
	}
	return nil
}

// daemonPIDs lists the live daemon processes whose command line names
// socket, from /proc (zombies have an empty command line).
func daemonPIDs(socket string) []int {
	dirs, _ := os.ReadDir("/proc")
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(data), "\x00")
		if i := slices.Index(args, "--socket"); i > 0 && i+1 < len(args) && args[i+1] == socket && slices.Contains(args, "cache-daemon") {
			pids = append(pids, pid)
		}
	}
	return pids
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// mustGet returns host's password from c, or "" when it is not there.
func mustGet(t testing.TB, c *cache.Client, host string) string {
	t.Helper()
	found, err := c.Get(ctxT(t), cred(host, ""))
	if errors.Is(err, credential.ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatalf("get %s: %v", host, err)
	}
	return found.Password
}

func mustOpen(t testing.TB, o cache.Options) *cache.Client {
	t.Helper()
	c, err := cache.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
