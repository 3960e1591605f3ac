// Package daemon is the cache daemon the cache client (package cache)
// starts: it keeps credentials in memory, forgets each one after its
// timeout, and serves them on a unix socket to its own user only. It is
// linked by git-credential-pat-cli (its hidden cache-daemon command), not
// by the lean helper git runs: it uses package net, encoding/json and
// os/signal, which that helper must not link (issue 17).
package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/unixserve"
	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// config holds the daemon's tunables; tests shorten them.
type config struct {
	grace     time.Duration    // how long to stay up with no entries
	ioTimeout time.Duration    // per connection, so a silent client is dropped
	now       func() time.Time // the clock entries expire by
}

var defaultConfig = config{grace: 30 * time.Second, ioTimeout: 5 * time.Second, now: time.Now}

// errRunning means another daemon already listens on the socket.
var errRunning = errors.New("a cache daemon is already running")

// Run serves the cache on socket until ctx ends, the exit action arrives,
// or it has had no entries for 30 seconds. It returns nil at once if
// another daemon already listens there.
func Run(ctx context.Context, socket string) error {
	// A soft memory limit makes the GC work harder before the heap grows:
	// the daemon's tens of thousands of small entries fit well within it.
	debug.SetMemoryLimit(12 << 20)
	return runDaemon(ctx, socket, defaultConfig)
}

func runDaemon(ctx context.Context, socket string, cfg config) error {
	socket, err := filepath.Abs(socket)
	if err != nil {
		return fmt.Errorf("cache daemon: socket path: %w", err)
	}
	harden()
	// The daemon waits on sockets: one P serves it without waking a second
	// thread for each connection, which costs more than the work.
	runtime.GOMAXPROCS(1)
	signal.Ignore(syscall.SIGHUP) // outlive the terminal git ran in
	os.Chdir("/")                 // do not keep the repository's filesystem busy
	return run(ctx, socket, cfg, readyPipe())
}

// readyPipe returns the pipe a starting client waits on, if there is one.
func readyPipe() *os.File { return unixsock.ReadyPipe(wire.ReadyEnv) }

// run listens on socket, reports the outcome on ready, and serves.
func run(ctx context.Context, socket string, cfg config, ready *os.File) error {
	d, err := listen(socket, cfg)
	if ready != nil {
		msg := "ok\n"
		if err != nil && !errors.Is(err, errRunning) {
			msg = err.Error() + "\n"
		}
		ready.WriteString(msg)
		ready.Close()
	}
	if errors.Is(err, errRunning) {
		return nil
	}
	if err != nil {
		return err
	}
	return d.serve(ctx)
}

type daemon struct {
	cfg    config
	socket string
	ln     *unixserve.DirectListener
	file   os.FileInfo // the socket we bound, to remove only ours

	mu      sync.Mutex
	store   store
	closing bool // set once the daemon has decided to exit; stores then get stClosing

	changed  chan struct{} // poked after each change so serve re-arms its timer
	quit     chan struct{} // closed by the exit action
	quitOnce sync.Once
	handlers sync.WaitGroup
}

// listen checks the socket directory and binds the socket. Under a lock
// beside the socket it tells a live daemon (errRunning) from a stale
// socket file left by one that died, which it replaces.
func listen(socket string, cfg config) (*daemon, error) {
	dir := filepath.Dir(socket)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cache daemon: creating socket directory: %w", err)
	}
	if err := checkPrivateDir(dir); err != nil {
		return nil, fmt.Errorf("cache daemon: %w", err)
	}
	unlock, err := lockFile(socket + ".lock")
	if err != nil {
		return nil, fmt.Errorf("cache daemon: %w", err)
	}
	defer unlock()
	if conn, err := net.Dial("unix", socket); err == nil {
		conn.Close()
		return nil, errRunning
	}
	ln, err := unixserve.ListenDirect(socket)
	if err != nil {
		return nil, fmt.Errorf("cache daemon: %w", err)
	}
	ln.SetUnlinkOnClose(false) // see close: only while it is still ours
	fi, err := os.Lstat(socket)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("cache daemon: %w", err)
	}
	return &daemon{
		cfg: cfg, socket: socket, ln: ln, file: fi,
		changed: make(chan struct{}, 1), quit: make(chan struct{}),
	}, nil
}

// serve accepts connections and sleeps until the next expiry, or until
// the end of the grace period once it has no entries.
func (d *daemon) serve(ctx context.Context) error {
	accepting := make(chan struct{})
	go func() { defer close(accepting); d.accept() }()
	defer func() {
		<-accepting // ln is closed: handlers still running are counted
		d.handlers.Wait()
	}()

	timer := time.NewTimer(0)
	defer timer.Stop()
	var emptySince time.Time
	for {
		select {
		case <-timer.C:
		case <-d.changed:
		case <-d.quit:
			d.close(false)
			return nil
		case <-ctx.Done():
			d.close(false)
			return nil
		}
		d.mu.Lock()
		now := d.cfg.now()
		d.store.expire(now)
		wake := d.store.next
		if d.store.len() == 0 {
			if emptySince.IsZero() {
				emptySince = now
			}
			wake = emptySince.Add(d.cfg.grace)
		} else {
			emptySince = time.Time{}
		}
		d.mu.Unlock()
		if !now.Before(wake) && d.close(true) {
			return nil
		}
		timer.Reset(wake.Sub(now))
	}
}

// close stops listening. With idle set it gives up, returning false, if an
// entry arrived meanwhile. It holds the socket lock so that a daemon being
// started sees either this one live or its socket gone.
func (d *daemon) close(idle bool) bool {
	if unlock, err := lockFile(d.socket + ".lock"); err == nil {
		defer unlock()
	}
	d.mu.Lock()
	if idle && d.store.len() > 0 {
		d.mu.Unlock()
		return false
	}
	d.closing = true
	d.store.clear()
	d.mu.Unlock()
	// Remove the socket only if it is still ours: if it was deleted, a new
	// daemon may have bound the path. The inode alone may have been reused.
	if fi, err := os.Lstat(d.socket); err == nil && os.SameFile(fi, d.file) && fi.ModTime().Equal(d.file.ModTime()) {
		os.Remove(d.socket)
	}
	d.ln.Close()
	return true
}

// workers take turns to accept and answer on the goroutine that accepted
// (see unixserve.AcceptWorkers), with direct system calls while a
// connection need not wait (see unixserve.ListenDirect). Git asks one
// request at a time; a few more cover git processes running in parallel
// (fetch --jobs, submodules). Beyond them a connection gets a goroutine
// of its own, so a silent client delays no one.
const workers = 4

func (d *daemon) accept() {
	d.ln.ServeWorkers(workers, &d.handlers, d.handle)
}

func (d *daemon) handle(conn *unixserve.DirectConn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(d.cfg.ioTimeout))
	// Read before checking the peer: closing with its request unread would
	// reset the connection and lose our answer.
	var req wire.Request
	err := wire.ReceiveRequest(conn, wire.MaxRequest, &req)
	var malformed *wire.MalformedRequest
	if err != nil && !errors.As(err, &malformed) {
		return // a probe, a silent or a broken client: nothing to answer
	}
	if err := checkPeer(conn); err != nil {
		send(conn, wire.Reply{Status: wire.StError, Error: err.Error()})
		return
	}
	if malformed != nil { // say so, rather than leave the client with a closed connection
		send(conn, wire.Reply{Status: wire.StError, Error: malformed.Error() + " (a client of another version? stop this daemon with: git-credential-pat cache exit, and git starts a new one)"})
		return
	}
	send(conn, d.do(req))
}

func (d *daemon) do(req wire.Request) wire.Reply {
	q, err := wire.DecodeCred(req.Cred) // an absent one decodes as empty
	var a credential.Credential
	if err == nil {
		a, err = wire.DecodeCred(req.Answer)
	}
	if err != nil {
		return wire.Reply{Status: wire.StError, Error: err.Error()}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.cfg.now()
	switch req.Action {
	case wire.ActGet:
		return credReply(d.store.find(q, now))
	case wire.ActRecall:
		return credReply(d.store.recall(req.Space, q, now))
	case wire.ActStore, wire.ActRemember:
		if d.closing {
			return wire.Reply{Status: wire.StClosing}
		}
		if req.Timeout <= 0 {
			return wire.Reply{Status: wire.StError, Error: req.Action + ": timeout must be positive"}
		}
		if req.Action == wire.ActStore {
			d.store.put(q.Persistent(), now.Add(req.Timeout))
		} else {
			d.store.remember(req.Space, q, a.Persistent(), now.Add(req.Timeout))
		}
		d.poke()
	case wire.ActErase:
		d.store.remove(q)
		d.poke()
	case wire.ActStored:
		d.store.stored(q)
		d.poke()
	case wire.ActForget:
		d.store.forget(q, req.Entries)
		d.poke()
	case wire.ActList:
		var r wire.Reply
		for _, c := range d.store.list(now) {
			b, err := wire.EncodeCred(c)
			if err != nil {
				return wire.Reply{Status: wire.StError, Error: err.Error()}
			}
			r.Creds = append(r.Creds, b)
		}
		r.Status = wire.StOK
		return r
	case wire.ActPing:
		if d.closing {
			return wire.Reply{Status: wire.StClosing}
		}
	case wire.ActStatus:
		d.store.expire(now)
		return wire.Reply{Status: wire.StOK, Info: &wire.StatusInfo{
			Running: true, PID: os.Getpid(), Entries: d.store.len(),
			NextExpiry: d.store.next, RSS: rss(),
		}}
	case wire.ActClear:
		d.store.clear()
		d.poke()
	case wire.ActExit:
		d.quitOnce.Do(func() { close(d.quit) })
	default:
		return wire.Reply{Status: wire.StError, Error: fmt.Sprintf("unknown action %q", req.Action)}
	}
	return wire.Reply{Status: wire.StOK}
}

func credReply(c credential.Credential, ok bool) wire.Reply {
	if !ok {
		return wire.Reply{Status: wire.StNotFound}
	}
	b, err := wire.EncodeCred(c)
	if err != nil {
		return wire.Reply{Status: wire.StError, Error: err.Error()}
	}
	return wire.Reply{Status: wire.StOK, Creds: [][]byte{b}}
}

// poke wakes serve; one pending wake is enough.
func (d *daemon) poke() {
	select {
	case d.changed <- struct{}{}:
	default:
	}
}
