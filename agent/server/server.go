// Package server is the git-credential-pat agent (see package agent): a
// Server answers credential gets from the far side on a unix socket,
// within the limits its owner sets, and List and Stop are the control
// client of agent --list and --stop. It is linked by
// git-credential-pat-cli only: it uses package net and encoding/json,
// which the lean helper git runs (and package agent, its client) must not
// link (issue 17).
package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/git-credential-pat/git-credential-pat/agent/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/unixserve"
	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"

	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
)

// Config is what an agent answers from and the limits it answers within.
type Config struct {
	Socket string           // the answer socket, the one to forward; see ControlSocket
	Allow  []Rule           // nothing is answered unless a rule allows it
	TTL    time.Duration    // stop after this long; 0 = until stopped
	Store  credential.Store // the store at home

	// Confirm, when set, is asked before each answer and answers true to
	// allow it. It must give up (false) when ctx ends.
	Confirm func(ctx context.Context, question string) bool

	Log io.Writer        // one line per request, never a secret (nil = none)
	Now func() time.Time // defaults to time.Now
}

const (
	// ioTimeout bounds reading a request and writing a reply, so a silent
	// client is dropped.
	ioTimeout = wire.IOTimeout
	// ConfirmTimeout is how long --confirm waits for the owner's answer
	// before refusing.
	ConfirmTimeout = wire.ConfirmTimeout
	// maxEvents is how many requests agent --list remembers.
	maxEvents = 100
	// maxAnswered is how many answers' fingerprints the agent keeps for
	// the far side's store to ask about (ActAnswered).
	maxAnswered = 256
	// maxVouchMisses is how many fingerprints that do not match an answer
	// the far side may send for that answer's request before the agent
	// stops comparing for it: a far side that does not hold the token
	// could otherwise test guesses at it (a weak password stored as a
	// token) without limit, --confirm and the allow list notwithstanding.
	// git asks once per store; a miss there is a token from elsewhere.
	maxVouchMisses = 3
	// maxSocketPath is the shortest sun_path limit (macOS 104 bytes, Linux 108).
	maxSocketPath = 103
)

// ControlSocket is where agent --list and --stop reach the agent that
// answers on socket. It sits beside it in the same private directory and
// is never forwarded, so the far side can neither stop the agent nor read
// what it allows.
func ControlSocket(socket string) string { return socket + ".ctl" }

// DefaultSocket is $XDG_RUNTIME_DIR/git-credential-pat/agent/socket, else
// under $XDG_CACHE_HOME (default ~/.cache).
func DefaultSocket() (string, error) {
	dir, err := xdg.RuntimeDir()
	if err != nil {
		return "", fmt.Errorf("agent: no home directory: %w (set --socket)", err)
	}
	return filepath.Join(dir, "agent", "socket"), nil
}

// Server is a listening agent.
type Server struct {
	cfg     Config
	ln, ctl *net.UnixListener
	started time.Time

	mu       sync.Mutex
	events   []Event
	answered []answer // recent answers, oldest first

	logMu     sync.Mutex
	confirmMu sync.Mutex // one question on the terminal at a time

	stop     chan struct{}
	stopOnce sync.Once
	handlers sync.WaitGroup
}

// Listen checks the socket directory (created 0700 if missing; refused if
// others can reach into it) and binds the answer and control sockets.
func Listen(cfg Config) (*Server, error) {
	if len(cfg.Allow) == 0 {
		return nil, errors.New("agent: nothing is allowed: name what the far side may get, for example --allow github.com/my-org")
	}
	if cfg.Store == nil {
		return nil, errors.New("agent: no store to answer from")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	socket, err := filepath.Abs(cfg.Socket)
	if err != nil {
		return nil, fmt.Errorf("agent: socket path: %w", err)
	}
	cfg.Socket = socket
	if len(ControlSocket(socket)) > maxSocketPath {
		return nil, fmt.Errorf("agent: socket path %s is too long for a unix socket (at most %d bytes with the .ctl beside it); choose a shorter --socket", socket, maxSocketPath-len(".ctl"))
	}
	if err := MakeSocketDir(socket); err != nil {
		return nil, err
	}
	if conn, err := net.Dial("unix", socket); err == nil {
		conn.Close()
		return nil, fmt.Errorf("agent: an agent is already listening on %s; stop it first with: git-credential-pat agent --stop --socket %s", socket, socket)
	}
	s := &Server{cfg: cfg, started: cfg.Now(), stop: make(chan struct{})}
	if s.ln, err = bind(socket); err != nil {
		return nil, err
	}
	if s.ctl, err = bind(ControlSocket(socket)); err != nil {
		s.ln.Close()
		return nil, err
	}
	return s, nil
}

// MakeSocketDir creates socket's directory (0700) if it is missing and
// refuses one that other users could reach into.
func MakeSocketDir(socket string) error {
	dir := filepath.Dir(socket)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("agent: creating socket directory: %w", err)
	}
	if err := unixsock.CheckPrivateDir(dir); err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	return nil
}

// bind listens on path, replacing a stale socket a dead agent left.
func bind(path string) (*net.UnixListener, error) {
	ln, err := unixserve.Listen(path)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return ln, nil
}

// Socket is the absolute path of the answer socket.
func (s *Server) Socket() string { return s.cfg.Socket }

// Serve answers until ctx ends, the TTL passes or agent --stop arrives,
// then removes its sockets.
func (s *Server) Serve(ctx context.Context) error {
	var expires time.Time
	if s.cfg.TTL > 0 {
		expires = s.started.Add(s.cfg.TTL)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, expires)
		defer cancel()
	}
	rules := make([]string, len(s.cfg.Allow))
	for i, r := range s.cfg.Allow {
		rules[i] = r.String()
	}
	until := "until stopped"
	if !expires.IsZero() {
		until = "until " + expires.UTC().Format(time.RFC3339)
	}
	s.logf("agent pid %d listening on %s %s; allowed: %s", os.Getpid(), s.cfg.Socket, until, strings.Join(rules, ", "))

	var accepting sync.WaitGroup
	accepting.Add(2)
	go func() { defer accepting.Done(); s.accept(ctx, s.ln, s.handle) }()
	go func() { defer accepting.Done(); s.accept(ctx, s.ctl, s.control) }()

	var why string
	select {
	case <-ctx.Done():
		why = "stopped"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			why = fmt.Sprintf("lifetime over (--ttl %s)", s.cfg.TTL)
		}
	case <-s.stop:
		why = "stopped by agent --stop"
	}
	s.ln.Close() // removes the socket file (UnlinkOnClose)
	s.ctl.Close()
	accepting.Wait()
	s.handlers.Wait()
	s.logf("agent pid %d exiting: %s", os.Getpid(), why)
	return nil
}

func (s *Server) accept(ctx context.Context, ln *net.UnixListener, handle func(context.Context, *net.UnixConn)) {
	// Handlers give up a pending confirmation when the agent stops.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	unixserve.Accept(ln, &s.handlers, func(conn *net.UnixConn) {
		defer conn.Close()
		handle(ctx, conn)
	})
}

// handle answers one request from the far side.
func (s *Server) handle(ctx context.Context, conn *net.UnixConn) {
	conn.SetDeadline(time.Now().Add(ioTimeout))
	// Read before checking the peer: closing with its request unread would
	// reset the connection and lose our answer.
	var req wire.Request
	if err := receive(conn, wire.MaxRequest, &req); err != nil {
		return // a probe, a silent or a broken client: nothing to answer
	}
	peer, perr := unixsock.PeerOf(conn)
	ev := Event{Time: s.cfg.Now().UTC(), Action: req.Action, Peer: describe(peer)}
	q, err := wire.DecodeCred(req.Cred)
	if err != nil {
		ev.Result, ev.Reason = "refused", "unreadable request: "+err.Error()
		s.record(ev)
		send(conn, wire.Reply{Status: wire.StError, Error: ev.Reason})
		return
	}
	ev.URL = urlOf(q)
	if why := refusePeer(peer, perr); why != "" {
		ev.Result, ev.Reason = "refused", why
		s.record(ev)
		send(conn, wire.Reply{Status: wire.StRefused, Error: why})
		return
	}
	if req.Action == wire.ActPing { // asks for nothing: not worth a log line
		send(conn, wire.Reply{Status: wire.StOK})
		return
	}
	var rep wire.Reply
	switch req.Action {
	case wire.ActGet:
		rep = s.get(ctx, conn, q, peer, &ev)
	case wire.ActAnswered:
		rep = s.vouch(q, req.Answer, &ev)
	case wire.ActStore:
		ev.Result, ev.Reason = "ignored", "a store from the far side changes nothing here"
		rep = wire.Reply{Status: wire.StOK}
	case wire.ActErase:
		ev.Result, ev.Reason = "reported", "the server rejected the token on the far side; nothing erased here; check it with: git-credential-pat list"
		rep = wire.Reply{Status: wire.StOK}
	default:
		ev.Result, ev.Reason = "refused", "unknown action"
		rep = wire.Reply{Status: wire.StError, Error: fmt.Sprintf("unknown action %q", req.Action)}
	}
	// Log before replying, so the line is there once the far side has its answer.
	s.record(ev)
	send(conn, rep)
}

// refusePeer says why a peer may not be answered, or "" if it may: only
// this user's processes and root's (a container's processes, seen from
// here, usually run as root).
func refusePeer(peer unixsock.Peer, err error) string {
	if err != nil {
		return err.Error()
	}
	if peer.Known && peer.UID != os.Geteuid() && peer.UID != 0 {
		return fmt.Sprintf("uid %d is neither the agent's uid %d nor root", peer.UID, os.Geteuid())
	}
	return ""
}

func (s *Server) get(ctx context.Context, conn *net.UnixConn, q credential.Credential, peer unixsock.Peer, ev *Event) wire.Reply {
	rule, ok := allowed(s.cfg.Allow, q)
	if !ok {
		ev.Result, ev.Reason = "refused", "not on the allow list"
		if q.Path == "" && s.hostHasPathRules(q) {
			ev.Reason += " (the far side sent no path; its git needs: git config --global credential.useHttpPath true)"
		}
		return wire.Reply{Status: wire.StRefused, Error: ev.Reason}
	}
	if s.cfg.Confirm != nil {
		conn.SetDeadline(time.Now().Add(ConfirmTimeout + ioTimeout))
		question := fmt.Sprintf("git-credential-pat agent: answer get %s for %s%s? [y/N] ", ev.URL, ev.Peer, commandLine(peer))
		s.confirmMu.Lock()
		yes := s.cfg.Confirm(ctx, question)
		s.confirmMu.Unlock()
		conn.SetDeadline(time.Now().Add(ioTimeout))
		if !yes {
			ev.Result, ev.Reason = "refused", "not confirmed at the agent's terminal"
			return wire.Reply{Status: wire.StRefused, Error: ev.Reason}
		}
	}
	// The home side of the protocol is credential.Server's get: the same
	// matching, expiry and http rules as a local git gets.
	in, err := wire.EncodeCred(q)
	if err != nil {
		ev.Result, ev.Reason = "refused", err.Error()
		return wire.Reply{Status: wire.StError, Error: err.Error()}
	}
	var out bytes.Buffer
	srv := credential.Server{Store: s.cfg.Store, Now: s.cfg.Now, AllowHTTP: rule.Protocol == "http"}
	if err := srv.Serve(ctx, wire.ActGet, bytes.NewReader(in), &out); err != nil {
		ev.Result, ev.Reason = "error", err.Error()
		return wire.Reply{Status: wire.StError, Error: "the agent's store failed; its log says why"}
	}
	if out.Len() == 0 {
		ev.Result, ev.Reason = "not found", "no token for it in the store here"
		return wire.Reply{Status: wire.StNotFound}
	}
	a, err := wire.DecodeCred(out.Bytes())
	var answer []byte
	if err == nil {
		// An OAuth refresh token mints new tokens after this one expires,
		// after --ttl and after agent --stop: it stays here.
		a.OAuthRefreshToken = ""
		answer, err = wire.EncodeCred(a)
	}
	if err != nil {
		ev.Result, ev.Reason = "error", err.Error()
		return wire.Reply{Status: wire.StError, Error: "the agent's store failed; its log says why"}
	}
	held := a
	held.Protocol, held.Host, held.Path = q.Protocol, q.Host, q.Path
	s.rememberAnswer(requestOf(q), wire.AnswerFingerprint(held))
	ev.Result = "answered"
	if a.PasswordExpiryUTC != 0 {
		ev.Reason = "token expires " + time.Unix(a.PasswordExpiryUTC, 0).UTC().Format(time.RFC3339)
	}
	return wire.Reply{Status: wire.StOK, Cred: answer}
}

// answer is what the agent keeps of a token it answered (never the
// token): the request it answered and the answer's fingerprint
// (wire.AnswerFingerprint), and how many other fingerprints the far side
// sent for that request (see maxVouchMisses).
type answer struct {
	request, fp string
	misses      int
}

// requestOf names the request q makes: its protocol, host and path.
func requestOf(q credential.Credential) string {
	return q.Protocol + "\x00" + q.Host + "\x00" + q.Path
}

// rememberAnswer keeps the fingerprint of an answer to request (never the
// token) for vouch.
func (s *Server) rememberAnswer(request, fp string) {
	if fp == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answered = append(s.answered, answer{request: request, fp: fp})
	if len(s.answered) > maxAnswered {
		s.answered = s.answered[len(s.answered)-maxAnswered:]
	}
}

// vouch answers the far side's question before git's store there: did
// this agent answer that token (by its fingerprint) for request q? If so,
// the far side's helper writes it to none of its stores, so the token
// does not outlive the agent on the far side's disk. It tells the far side
// nothing it does not have: only whether a token it holds came from here.
// Only the answers to q's very request are compared, each until the far
// side has sent maxVouchMisses other fingerprints for that request, so a
// far side that does not hold a token cannot test guesses at it.
func (s *Server) vouch(q credential.Credential, fp string, ev *Event) wire.Reply {
	request := requestOf(q)
	known := false
	s.mu.Lock()
	for i := range s.answered {
		if a := &s.answered[i]; a.request == request && a.misses < maxVouchMisses && fp != "" && a.fp == fp {
			known = true
		}
	}
	if !known {
		for i := range s.answered {
			if a := &s.answered[i]; a.request == request {
				a.misses++
			}
		}
	}
	s.mu.Unlock()
	if !known {
		ev.Result, ev.Reason = "not ours", "git there stores a token this agent did not answer"
		return wire.Reply{Status: wire.StNotFound}
	}
	ev.Result, ev.Reason = "ours", "git there stores the token this agent answered; the far side's stores do not keep it"
	return wire.Reply{Status: wire.StOK}
}

// hostHasPathRules reports whether a rule with a path names q's host.
func (s *Server) hostHasPathRules(q credential.Credential) bool {
	for _, r := range s.cfg.Allow {
		if r.Path != "" && strings.EqualFold(r.Host, q.Host) {
			return true
		}
	}
	return false
}

// control serves agent --list and --stop, for this user only.
func (s *Server) control(_ context.Context, conn *net.UnixConn) {
	conn.SetDeadline(time.Now().Add(ioTimeout))
	var req wire.Request
	if err := receive(conn, wire.MaxRequest, &req); err != nil {
		return
	}
	peer, err := unixsock.PeerOf(conn)
	if err == nil && peer.Known && peer.UID != os.Geteuid() {
		err = fmt.Errorf("uid %d is not the agent's uid %d", peer.UID, os.Geteuid())
	}
	if err != nil {
		send(conn, wire.Reply{Status: wire.StRefused, Error: err.Error()})
		return
	}
	switch req.Action {
	case wire.ActList:
		send(conn, wire.Reply{Status: wire.StOK, Info: s.info()})
	case wire.ActStop:
		send(conn, wire.Reply{Status: wire.StOK})
		s.stopOnce.Do(func() { close(s.stop) })
	default:
		send(conn, wire.Reply{Status: wire.StError, Error: fmt.Sprintf("unknown action %q", req.Action)})
	}
}

func (s *Server) info() *Info {
	in := &Info{PID: os.Getpid(), Socket: s.cfg.Socket, Started: s.started, Confirm: s.cfg.Confirm != nil}
	if s.cfg.TTL > 0 {
		in.Expires = s.started.Add(s.cfg.TTL)
	}
	for _, r := range s.cfg.Allow {
		in.Allow = append(in.Allow, r.String())
	}
	s.mu.Lock()
	in.Requests = append([]Event(nil), s.events...)
	s.mu.Unlock()
	return in
}

// record keeps ev for agent --list and writes its log line.
func (s *Server) record(ev Event) {
	// The far side chose its action, and an error may quote its request
	// (the URL and the peer are made printable where they are named).
	ev.Action, ev.Reason = credential.Printable(ev.Action), credential.Printable(ev.Reason)
	s.mu.Lock()
	s.events = append(s.events, ev)
	if len(s.events) > maxEvents {
		s.events = s.events[len(s.events)-maxEvents:]
	}
	s.mu.Unlock()
	s.logf("%s", eventLine(ev))
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, "%s %s\n", s.cfg.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

// eventLine is the event as the log shows it (after the timestamp).
func eventLine(e Event) string {
	s := fmt.Sprintf("%s %s from %s: %s", e.Action, e.URL, e.Peer, e.Result)
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

// urlOf renders a request without its username or secrets.
func urlOf(q credential.Credential) string {
	u := q.Protocol + "://" + q.Host
	if q.Path != "" {
		u += "/" + strings.TrimPrefix(q.Path, "/")
	}
	return credential.Printable(u)
}

// describe names the connecting process for the log and the question.
func describe(p unixsock.Peer) string {
	if !p.Known {
		return "a local process"
	}
	if p.PID <= 0 { // macOS may not tell the pid
		return fmt.Sprintf("uid %d", p.UID)
	}
	s := fmt.Sprintf("pid %d uid %d", p.PID, p.UID)
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p.PID)); err == nil {
		s += " (" + credential.Printable(strings.TrimSpace(string(b))) + ")"
	}
	return s
}

// commandLine is the peer's command line, for the owner's terminal only:
// for a forwarded socket it is the ssh client, naming the host.
func commandLine(p unixsock.Peer) string {
	if !p.Known || p.PID <= 0 {
		return ""
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.PID))
	if err != nil || len(b) == 0 {
		return ""
	}
	cmd := strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
	if len(cmd) > 160 {
		cmd = cmd[:160] + "..."
	}
	return ": " + credential.Printable(cmd)
}
