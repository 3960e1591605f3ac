// Package cache keeps credentials in the memory of a small daemon that
// forgets each one after a timeout, like git's credential-cache. A Client
// talks to the daemon over a unix socket and starts it on the first store;
// Layer puts the cache in front of any other store. The daemon itself is
// in cache/daemon: this package is linked by the lean helper git runs on
// every request, and does not import package net, encoding/json or
// os/signal (issue 17).
package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"

	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
)

// Options says where the daemon listens and how it is started.
type Options struct {
	Socket     string        // unix socket path; "" = DefaultSocket()
	Timeout    time.Duration // how long the daemon keeps what this client stores; 0 = 900s
	Exe        string        // binary that runs the daemon; "" = os.Executable()
	DaemonArgs []string      // its arguments before "--socket PATH"; nil = {"cache-daemon"}

	// CallTimeout bounds one exchange with the daemon; 0 = 10s. Layer
	// uses a shorter one: a cache that is slow to answer saves nothing.
	CallTimeout time.Duration
	// Warn, for Layer, is where it says once that the daemon does not
	// answer; nil = nowhere.
	Warn func(string)
}

const (
	// DefaultTimeout is git credential-cache's default.
	DefaultTimeout = 900 * time.Second
	// startTimeout bounds how long a new daemon may take to listen.
	startTimeout = 10 * time.Second
	// maxSocketPath is the shortest sun_path limit (macOS 104 bytes, Linux 108).
	maxSocketPath = 103
)

// errNoDaemon means nothing is listening on the socket.
var errNoDaemon = errors.New("no cache daemon is running")

// DefaultSocket is $XDG_RUNTIME_DIR/git-credential-pat/socket, else
// $XDG_CACHE_HOME (default ~/.cache)/git-credential-pat/socket.
func DefaultSocket() (string, error) {
	dir, err := xdg.RuntimeDir()
	if err != nil {
		return "", fmt.Errorf("cache: no home directory: %w (set --socket)", err)
	}
	return filepath.Join(dir, "socket"), nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Socket == "" {
		s, err := DefaultSocket()
		if err != nil {
			return o, err
		}
		o.Socket = s
	}
	// Absolute, because the daemon works from "/".
	abs, err := filepath.Abs(o.Socket)
	if err != nil {
		return o, fmt.Errorf("cache: socket path %s: %w", o.Socket, err)
	}
	o.Socket = abs
	if len(o.Socket) > maxSocketPath {
		return o, fmt.Errorf("cache: socket path %s is longer than %d bytes, which unix sockets cannot use; choose a shorter --socket", o.Socket, maxSocketPath)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.DaemonArgs == nil {
		o.DaemonArgs = []string{"cache-daemon"}
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = callTimeout
	}
	return o, nil
}

// Client is a credential.Store and credential.Lister backed by the daemon.
type Client struct {
	o Options

	mu       sync.Mutex
	gaveUp   error     // set when the daemon let a call time out: calls fail at once ...
	gaveUpAt time.Time // ... for giveUpFor after it
}

// giveUpFor is how long a client that met an unresponsive daemon skips it:
// the rest of a helper's life, and in a process that lives on (the agent)
// a pause before it tries again (the daemon may be back, or replaced). A
// variable for tests.
var giveUpFor = 30 * time.Second

// ErrUnresponsive is what a call returns once the daemon has let one
// time out: it is frozen or overloaded, and waiting again would only
// double the wait.
var ErrUnresponsive = errors.New("the cache daemon does not answer")

// unresponsive is the error of a call that timed out within giveUpFor,
// or nil.
func (c *Client) unresponsive() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gaveUp != nil && time.Since(c.gaveUpAt) >= giveUpFor {
		c.gaveUp = nil
	}
	return c.gaveUp
}

// giveUp records that the daemon at the other end of conn (nil when the
// connect timed out) let a call time out, and returns the error every
// call of this client returns from now on: it names the daemon's pid
// when the kernel tells it, since cache exit cannot stop a frozen one.
func (c *Client) giveUp(conn unixsock.Conn) error {
	stop := "git-credential-pat cache exit"
	if sc, ok := conn.(syscall.Conn); ok {
		if p, err := unixsock.PeerOf(sc); err == nil && p.Known && p.PID > 0 {
			stop = fmt.Sprintf("kill %d (its pid; a frozen daemon does not answer cache exit)", p.PID)
		}
	}
	err := unresponsiveError(fmt.Sprintf("cache: the daemon at %s did not answer within %v (frozen, or the machine is overloaded); stop it with: %s", c.o.Socket, c.o.CallTimeout, stop))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gaveUp, c.gaveUpAt = err, time.Now()
	return err
}

// unresponsiveError is ErrUnresponsive, said for one daemon.
type unresponsiveError string

func (e unresponsiveError) Error() string        { return string(e) }
func (e unresponsiveError) Is(target error) bool { return target == ErrUnresponsive }

// timedOut reports whether err is a call's deadline passing.
func timedOut(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT)
}

// Open returns a client for the daemon at o.Socket. It does not connect:
// the daemon is started by the first Store.
func Open(o Options) (*Client, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Client{o: o}, nil
}

// Get asks the daemon; with no daemon running it is ErrNotFound.
func (c *Client) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	return c.lookup(ctx, wire.Request{Action: wire.ActGet}, q)
}

// lookup sends a get or a recall (req without its Cred) for q.
func (c *Client) lookup(ctx context.Context, req wire.Request, q credential.Credential) (credential.Credential, error) {
	action := req.Action
	// Only what matching needs: wwwauth[] and state[] stay with the caller.
	key := q.Persistent()
	key.Capabilities = q.Capabilities
	b, err := wire.EncodeCred(key)
	if err != nil {
		return credential.Credential{}, fmt.Errorf("cache: %w", err)
	}
	req.Cred = b
	r, err := c.call(ctx, req)
	if errors.Is(err, errNoDaemon) || err == nil && r.Status == wire.StNotFound {
		return credential.Credential{}, credential.ErrNotFound
	}
	if err != nil {
		return credential.Credential{}, err
	}
	if len(r.Creds) != 1 {
		return credential.Credential{}, fmt.Errorf("cache: daemon answered %s with %d credentials", action, len(r.Creds))
	}
	found, err := wire.DecodeCred(r.Creds[0])
	if err != nil {
		return credential.Credential{}, fmt.Errorf("cache: reading daemon's answer: %w", err)
	}
	return found, nil
}

// Store keeps c for the client's Timeout, starting the daemon if needed.
func (c *Client) Store(ctx context.Context, cred credential.Credential) error {
	b, err := wire.EncodeCred(cred.Persistent())
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return c.keep(ctx, wire.Request{Action: wire.ActStore, Cred: b, Timeout: c.o.Timeout})
}

// remember keeps answer as the reply to q of the store called space (see Layer).
func (c *Client) remember(ctx context.Context, space string, q, answer credential.Credential) error {
	qb, err := wire.EncodeCred(wire.AnswerKey(q))
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	ab, err := wire.EncodeCred(answer.Persistent())
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return c.keep(ctx, wire.Request{Action: wire.ActRemember, Cred: qb, Answer: ab, Timeout: c.o.Timeout, Space: space})
}

// keep sends a request that adds to the cache, starting the daemon if needed.
func (c *Client) keep(ctx context.Context, req wire.Request) error {
	r, err := c.call(ctx, req)
	// Twice at most: once for no daemon, once more if the one we reached was
	// exiting when our request arrived.
	for try := 0; try < 2 && needsDaemon(r, err); try++ {
		if err := c.start(ctx); err != nil {
			return err
		}
		r, err = c.call(ctx, req)
	}
	if needsDaemon(r, err) {
		return fmt.Errorf("cache: the daemon at %s keeps going away; try again", c.o.Socket)
	}
	return err
}

func needsDaemon(r wire.Reply, err error) bool {
	return errors.Is(err, errNoDaemon) || err == nil && r.Status == wire.StClosing
}

// Erase removes what q matches; with no daemon there is nothing to remove.
func (c *Client) Erase(ctx context.Context, q credential.Credential) error {
	return c.tell(ctx, wire.ActErase, q.Persistent())
}

// stored tells the daemon that another store has stored cred (see Layer).
func (c *Client) stored(ctx context.Context, cred credential.Credential) error {
	return c.tell(ctx, wire.ActStored, cred.Persistent())
}

// tell sends an action that only removes, so no daemon means nothing to do.
func (c *Client) tell(ctx context.Context, action string, cred credential.Credential) error {
	_, err := c.callCred(ctx, action, cred)
	if errors.Is(err, errNoDaemon) {
		return nil
	}
	return err
}

// List returns the cached entries, most recent first.
func (c *Client) List(ctx context.Context) ([]credential.Credential, error) {
	r, err := c.call(ctx, wire.Request{Action: wire.ActList})
	if errors.Is(err, errNoDaemon) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]credential.Credential, 0, len(r.Creds))
	for _, b := range r.Creds {
		cred, err := wire.DecodeCred(b)
		if err != nil {
			return nil, fmt.Errorf("cache: reading daemon's list: %w", err)
		}
		out = append(out, cred)
	}
	return out, nil
}

// StatusInfo describes a daemon without revealing any secret.
type StatusInfo = wire.StatusInfo

// Status reports on the daemon at o.Socket; Running is false when there is none.
func Status(o Options) (StatusInfo, error) {
	r, err := adminCall(o, wire.ActStatus)
	if errors.Is(err, errNoDaemon) {
		return StatusInfo{}, nil
	}
	if err != nil {
		return StatusInfo{}, err
	}
	if r.InfoJSON == nil {
		return StatusInfo{}, errors.New("cache: daemon sent no status")
	}
	var info StatusInfo
	if err := wire.ParseStatus(r.InfoJSON, &info); err != nil {
		return StatusInfo{}, fmt.Errorf("cache: reading the daemon's status from %s: %w", o.Socket, err)
	}
	return info, nil
}

// Forget makes the daemon at o.Socket, if one runs, forget every answer it
// remembers (see Layer) for q's protocol and host, whichever store gave it;
// an empty protocol or host stands for every one. With entries it also
// forgets its own entries for them (those of the cache store, --store
// cache). Commands that change a stored token call it, since they cannot
// know which store identities the daemon remembers answers for. It never
// starts a daemon: with none there is nothing to forget.
func Forget(ctx context.Context, o Options, q credential.Credential, entries bool) error {
	c, err := Open(o)
	if err != nil {
		return err
	}
	key := credential.Credential{Protocol: q.Protocol, Host: q.Host}
	b, err := wire.EncodeCred(key)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return ignoreNoDaemon(c.call(ctx, wire.Request{Action: wire.ActForget, Cred: b, Entries: entries}))
}

// Clear makes the daemon forget every entry.
func Clear(o Options) error { return ignoreNoDaemon(adminCall(o, wire.ActClear)) }

// Exit stops the daemon; its entries are lost.
func Exit(o Options) error { return ignoreNoDaemon(adminCall(o, wire.ActExit)) }

func ignoreNoDaemon(_ wire.Reply, err error) error {
	if errors.Is(err, errNoDaemon) {
		return nil
	}
	return err
}

func adminCall(o Options, action string) (wire.Reply, error) {
	c, err := Open(o)
	if err != nil {
		return wire.Reply{}, err
	}
	return c.call(context.Background(), wire.Request{Action: action})
}

func (c *Client) callCred(ctx context.Context, action string, cred credential.Credential) (wire.Reply, error) {
	b, err := wire.EncodeCred(cred)
	if err != nil {
		return wire.Reply{}, fmt.Errorf("cache: %w", err)
	}
	return c.call(ctx, wire.Request{Action: action, Cred: b})
}

// call sends one request. It returns errNoDaemon when nothing listens, or
// when the daemon closed the connection without answering (it was exiting).
func (c *Client) call(ctx context.Context, req wire.Request) (wire.Reply, error) {
	if err := c.unresponsive(); err != nil {
		return wire.Reply{}, err
	}
	deadline := unixsock.Deadline(ctx, c.o.CallTimeout)
	// Only a wait cut short by our own call timeout blames the daemon, not
	// one the caller's deadline ended.
	ctxDeadline, hasDeadline := ctx.Deadline()
	ownTimeout := !hasDeadline || ctxDeadline.After(deadline)
	daemonsFault := func(err error) bool { return timedOut(err) && ownTimeout && ctx.Err() == nil }
	// The client checks the directory too: a token must not go to a socket
	// that another user could have put there.
	dir := filepath.Dir(c.o.Socket)
	err := checkPrivateDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return wire.Reply{}, errNoDaemon
	}
	carriesSecrets := req.Action != wire.ActStatus && req.Action != wire.ActClear && req.Action != wire.ActExit
	if err != nil && carriesSecrets {
		return wire.Reply{}, fmt.Errorf("cache: %w", err)
	}
	// git's get and store (a context that is never cancelled) spare
	// themselves the runtime's poller and timers: see DialSync.
	conn, err := unixsock.DialSync(ctx, c.o.Socket, deadline)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return wire.Reply{}, errNoDaemon
		}
		if daemonsFault(err) {
			return wire.Reply{}, c.giveUp(nil)
		}
		return wire.Reply{}, fmt.Errorf("cache: connecting to %s: %w", c.o.Socket, err)
	}
	defer conn.Close()
	conn.SetDeadline(deadline)
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
		defer stop()
	}
	if err := wire.SendRequest(conn, req); err != nil {
		if daemonsFault(err) {
			return wire.Reply{}, c.giveUp(conn)
		}
		return wire.Reply{}, fmt.Errorf("cache: sending %s to %s: %w", req.Action, c.o.Socket, err)
	}
	var r wire.Reply
	if err := wire.ReceiveReply(conn, wire.MaxReply, &r); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
			return wire.Reply{}, errNoDaemon
		}
		if daemonsFault(err) {
			return wire.Reply{}, c.giveUp(conn)
		}
		return wire.Reply{}, fmt.Errorf("cache: reading reply to %s from %s: %w", req.Action, c.o.Socket, err)
	}
	if r.Status == wire.StError {
		return r, fmt.Errorf("cache daemon at %s: %s", c.o.Socket, r.Error)
	}
	return r, nil
}

// callTimeout bounds one exchange with the daemon, so a wedged daemon
// makes git's helper fail instead of hang. A variable for tests.
var callTimeout = 10 * time.Second

// startMu keeps goroutines of one process from starting a daemon each;
// between processes the daemon's own lock decides.
var startMu sync.Mutex

// start makes sure a daemon that accepts stores is listening.
func (c *Client) start(ctx context.Context) error {
	startMu.Lock()
	defer startMu.Unlock()
	if r, err := c.call(ctx, wire.Request{Action: wire.ActPing}); err == nil && r.Status == wire.StOK {
		return nil // started by another goroutine meanwhile
	}
	return spawn(ctx, c.o)
}

// spawn starts "Exe DaemonArgs... --socket PATH" detached from our session
// and waits for its ready report on an inherited pipe. A daemon that finds
// another one already listening reports ready too and exits.
func spawn(ctx context.Context, o Options) error {
	if os.Getenv(wire.ReadyEnv) != "" {
		// We were started to be a daemon and are not one (daemon.Run unsets
		// it): Exe is the wrong program, say a test binary, and starting it
		// again would recurse.
		return fmt.Errorf("cache: not starting a daemon from a process started as one; %s %s is not a cache daemon", os.Args[0], strings.Join(o.DaemonArgs, " "))
	}
	exe := o.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("cache: finding this program to start the daemon: %w", err)
		}
	}
	deadline := time.Now().Add(startTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	msg, _, err := unixsock.Spawn(exe, append(slices.Clone(o.DaemonArgs), "--socket", o.Socket), wire.ReadyEnv, deadline)
	switch {
	case err != nil:
		return fmt.Errorf("cache: daemon: %w", err)
	case msg == "ok\n":
		return nil
	case len(msg) == 0:
		return fmt.Errorf("cache: daemon %s %s exited before listening on %s", exe, strings.Join(o.DaemonArgs, " "), o.Socket)
	default:
		return errors.New(strings.TrimSpace(msg)) // the daemon's own "cache daemon: ..." error
	}
}
