package credential

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/fingerprint"
)

// ErrNotFound is returned by Store.Get when nothing matches. It is not a
// failure: git simply asks the next helper.
var ErrNotFound = errors.New("credential not found")

// Store is a place credentials live. Implementations hold only persistent
// attributes (see Credential.Persistent); Serve handles the per-request
// ones.
type Store interface {
	// Get returns the best entry Eligible for q: the most specific (see
	// Specificity), and among equals the most recently stored (see
	// Entries.Find); or ErrNotFound.
	Get(ctx context.Context, q Credential) (Credential, error)
	// Store adds c, replacing the entry with the same key (SameKey).
	Store(ctx context.Context, c Credential) error
	// Erase removes every entry Erasable for q: those git's Match (with
	// the password when q has one) picks, plus, when q names the token
	// that failed, the entries holding it whose path covers q.
	Erase(ctx context.Context, q Credential) error
}

// Lister is implemented by stores that can enumerate their entries.
type Lister interface {
	List(ctx context.Context) ([]Credential, error)
}

type peekKey struct{}

// Peeking marks a Get made only to compare with what is stored: a store
// that would run something to produce the secret (a secret-manager
// reference) returns what it holds instead.
func Peeking(ctx context.Context) context.Context { return context.WithValue(ctx, peekKey{}, true) }

// IsPeeking reports whether ctx comes from Peeking.
func IsPeeking(ctx context.Context) bool { return ctx.Value(peekKey{}) != nil }

type looksKey struct{}

// Looks keeps, for one request, what stores read while looking before they
// write (see WithLooks).
type Looks struct {
	mu sync.Mutex
	m  map[any]any
}

// WithLooks gives a request's ctx a place where stores keep what they read
// without their lock, so that the looks one store request makes (Server's
// "already stored?", a resolving store's "does a secret reference stand
// for it?") read a store once. Neither look holds the lock, so the second
// seeing the store as the first saw it is an answer it could have had
// anyway. A write under its lock uses what a look kept only when it can
// tell the store has not changed since (the file store keeps the file
// open and checks that its path still names it). What is kept goes with
// the request, which ends with Looks.Close: a long-lived server never
// answers one request from another's read.
func WithLooks(ctx context.Context) context.Context {
	return context.WithValue(ctx, looksKey{}, &Looks{m: map[any]any{}})
}

// LooksOf returns ctx's Looks, or nil (whose Load finds nothing and whose
// Store keeps nothing).
func LooksOf(ctx context.Context) *Looks {
	l, _ := ctx.Value(looksKey{}).(*Looks)
	return l
}

// Load returns what was kept under key in this request.
func (l *Looks) Load(key any) (any, bool) {
	if l == nil {
		return nil, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[key]
	return v, ok
}

// Store keeps v under key for the rest of the request. A v that is an
// io.Closer (a store may keep a file open for the write that follows its
// look) is closed by Close.
func (l *Looks) Store(key, v any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.m[key].(io.Closer); ok && old != v {
		old.Close()
	}
	l.m[key] = v
}

// Close ends the request: what was kept is closed (see Store) and
// forgotten.
func (l *Looks) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range l.m {
		if c, ok := v.(io.Closer); ok {
			c.Close()
		}
	}
	clear(l.m)
}

// Capabilities this helper understands, in the order git lists them.
const (
	CapAuthType = "authtype"
	CapState    = "state"
)

// Eligible reports whether stored may answer a get for q at now: it must
// match (with per-owner path rules, see Covers), must not be expired, and
// must carry something the caller can use (authtype/credential only when
// the caller announced that capability).
func Eligible(q, stored Credential, now time.Time) bool {
	if !Covers(q, stored) || stored.Expired(now) {
		return false
	}
	if stored.hasUser() && stored.hasPass() {
		return true
	}
	return stored.AuthType != "" && stored.Credential != "" && q.HasCapability(CapAuthType)
}

// Server answers git's helper actions for one Store.
type Server struct {
	Store Store
	Now   func() time.Time // defaults to time.Now

	// AllowHTTP lets get answer for plain http:// remotes on other hosts
	// than loopback. Off by default: a token sent over http can be read by
	// anyone on the path.
	AllowHTTP bool

	// Returning, when set, is shown each credential get is about to return
	// (used to warn about tokens that expire soon).
	Returning func(Credential)

	// Debug, when set, receives a trace of each action with every secret
	// replaced (GIT_CREDENTIAL_PAT_DEBUG=1).
	Debug io.Writer
}

// Serve runs one helper action against store with the default settings.
func Serve(ctx context.Context, action string, store Store, in io.Reader, out io.Writer) error {
	return (&Server{Store: store}).Serve(ctx, action, in, out)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Serve reads one credential from in and performs action. Unknown actions
// are ignored without reading input, as git's protocol asks. Malformed input
// is an error and changes nothing.
func (s *Server) Serve(ctx context.Context, action string, in io.Reader, out io.Writer) error {
	switch action {
	case "get", "store", "erase":
	default:
		return nil
	}
	q, err := Read(in)
	if err != nil {
		s.trace(action, "input error: %v", err)
		return err
	}
	s.traceWire(action, "request", q)
	switch action {
	case "get":
		err = s.get(ctx, q, out)
	case "store":
		err = s.store(ctx, q)
	default:
		err = s.erase(ctx, q)
	}
	if err != nil {
		s.trace(action, "error: %v", err)
	}
	return err
}

// trace writes one line of the debug trace. What it quotes (a path, a
// username, a server's WWW-Authenticate header) was chosen by someone
// else, and the trace goes to the terminal: it is made Printable.
func (s *Server) trace(action, format string, args ...any) {
	if s.Debug != nil {
		fmt.Fprintf(s.Debug, "git-credential-pat debug: %s: %s\n", action, Printable(fmt.Sprintf(format, args...)))
	}
}

// traceWire traces c as the wire has it, secrets masked. Rendering costs a
// Write, so it happens only when someone reads the trace.
func (s *Server) traceWire(action, what string, c Credential) {
	if s.Debug != nil {
		s.trace(action, what+": %s", redactedWire(c))
	}
}

// redactedWire renders c on one line with its secrets masked.
func redactedWire(c Credential) string {
	var b bytes.Buffer
	if err := Write(&b, c.Redacted()); err != nil {
		return "(unprintable)"
	}
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), "\n", " ")
}

// CheckPort refuses a host whose :port is not a port number (decimal
// digits, 1-65535, as git's URL parser wants: git fails "invalid port
// number" on any other), so a typo does not become an entry no request
// will ever match. store and login hold hosts to it.
func CheckPort(host string) error {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.HasSuffix(host, "]") {
		return nil // no port (or a bare IPv6 literal)
	}
	digits := host[i+1:]
	if digits == "" {
		return fmt.Errorf("host %q ends in \":\" with no port; drop the \":\" (or give the port)", host)
	}
	port, err := strconv.Atoi(digits)
	if err != nil || strings.Trim(digits, "0123456789") != "" || port < 1 || port > 65535 {
		return fmt.Errorf("host %q has an invalid port (want 1-65535)", host)
	}
	return nil
}

// CheckHost refuses a host with a character that ends or splits the host
// part of a URL ("/", "?", "#", "@", "\\"), whitespace or a control
// character. git never sends one for a URL it parsed; in the file store,
// whose format writes the host as it is, "github.com/evil" would read back
// as github.com with a path, and "a@github.com" as a user at github.com.
// The message does not quote the value.
func CheckHost(host string) error {
	for _, r := range host {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("/?#@\\", r) {
			return errors.New("store: the host holds a character no URL host can ('/', '?', '#', '@', '\\', a space or a control character); refusing to store it (git sends the host of the remote URL, for example host=github.com)")
		}
	}
	return nil
}

// CheckProtocol refuses a protocol that is not a URL scheme (RFC 3986: a
// letter, then letters, digits, "+", "-" or "."). git sends the scheme of
// the remote URL; anything else came from a hand-written request, and in
// the file store, whose format does not escape the protocol, a value such
// as "https://user:token@host/x?" would make an entry for another host.
// The message does not quote the value: it may hold a token.
func CheckProtocol(p string) error {
	ok := p != ""
	for i := 0; ok && i < len(p); i++ {
		c := p[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		ok = letter || i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')
	}
	if !ok {
		return errors.New("the protocol is not a URL scheme (a letter, then letters, digits, '+', '-' or '.'; for example protocol=https); refusing to store it")
	}
	return nil
}

// IsLoopback reports whether host (with an optional :port) is this machine:
// localhost (any case) or a loopback address (127.0.0.0/8, ::1, or
// ::ffff:127.x.y.z). It answers as net.SplitHostPort, net.ParseIP and
// IP.IsLoopback did before it (loopback_test.go compares them), without
// package net, which the lean helper does not link (issue 17).
func IsLoopback(host string) bool {
	h := host
	if splitsHostPort(host) {
		h = HostName(host)
	}
	h = strings.Trim(h, "[]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip, ok := parseIP(h)
	return ok && isLoopbackIP(ip)
}

// alreadyAnswers reports whether have, the entry a get for q returns,
// makes storing q pointless: it holds the same token for the same user.
// git before 2.40 sends no password_expiry_utc back and before 2.41 no
// oauth_refresh_token, so their absence in q is no difference. Only for the
// very entry q would replace (SameKey) does a new expiry or refresh token
// count as news; an owner or host-wide entry holding the token already
// covers the request whatever git says about its expiry.
func alreadyAnswers(have, q Credential) bool {
	if have.Username != q.Username || have.hasUser() != q.hasUser() ||
		have.Password != q.Password || have.hasPass() != q.hasPass() ||
		have.AuthType != q.AuthType || have.Credential != q.Credential {
		return false
	}
	if !SameKey(have, q) {
		return true
	}
	return (q.PasswordExpiryUTC == 0 || q.PasswordExpiryUTC == have.PasswordExpiryUTC) &&
		(q.OAuthRefreshToken == "" || q.OAuthRefreshToken == have.OAuthRefreshToken)
}

// stateMarker fingerprints what a get returned, so that git's store of the
// very same credential (git calls store on every helper after each
// success) can be recognised and skipped instead of rewriting the store.
func stateMarker(c Credential) string {
	var b bytes.Buffer
	b.WriteString("git-credential-pat state v1\x00")
	_ = Write(&b, c.Persistent())
	return "pat:" + fingerprint.Hex(b.Bytes(), 12)
}

func (s *Server) get(ctx context.Context, q Credential, out io.Writer) error {
	if q.Protocol == "" {
		return nil
	}
	found, err := s.Store.Get(ctx, q)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !Eligible(q, found, s.now()) {
		return nil
	}
	if q.Protocol == "http" && !s.AllowHTTP && !IsLoopback(q.Host) {
		return fmt.Errorf("refusing to send the stored token to http://%s: plain HTTP exposes it to the network; switch the remote to https:// (git remote set-url origin https://...) or pass --allow-http to the helper", q.Host)
	}
	if s.Returning != nil {
		s.Returning(found)
	}
	resp := Credential{
		Username: found.Username, HasUsername: found.hasUser(),
		Password: found.Password, HasPassword: found.hasPass(),
		PasswordExpiryUTC: found.PasswordExpiryUTC,
		OAuthRefreshToken: found.OAuthRefreshToken,
	}
	if q.HasCapability(CapAuthType) {
		resp.Capabilities = append(resp.Capabilities, CapAuthType)
		resp.AuthType, resp.Credential = found.AuthType, found.Credential
	}
	if q.HasCapability(CapState) {
		// Fingerprint what git will hand back to store: the request's
		// identity with the secrets we return.
		back := resp
		back.Protocol, back.Host, back.Path = q.Protocol, q.Host, q.Path
		resp.Capabilities = append(resp.Capabilities, CapState)
		resp.State = []string{stateMarker(back)}
	}
	s.traceWire("get", "response", resp)
	return Write(out, resp)
}

func (s *Server) store(ctx context.Context, q Credential) error {
	ctx = WithLooks(ctx) // the looks below read a store once (see WithLooks)
	defer LooksOf(ctx).Close()
	if q.Ephemeral {
		return nil // git's contract: an ephemeral credential is never persisted
	}
	if !q.HasCapability(CapAuthType) {
		q.AuthType, q.Credential = "", ""
	}
	if q.Protocol == "" || (q.Host == "" && q.Path == "") {
		return errors.New("store: protocol and host are required")
	}
	if err := CheckProtocol(q.Protocol); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := CheckHost(q.Host); err != nil {
		return err
	}
	if err := CheckPort(q.Host); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !q.Usable() || q.Expired(s.now()) {
		return nil
	}
	if q.HasCapability(CapState) && slices.Contains(q.State, stateMarker(q)) {
		s.trace("store", "unchanged since get (state marker); not rewriting the store")
		return nil
	}
	// git stores after every success, on every helper. When a get would
	// already answer with this token (for example the owner token that
	// served org/repo.git), writing again would only churn keychains or add
	// a path copy that outlives a rotate of the owner's token.
	if have, err := s.Store.Get(Peeking(ctx), q.Persistent()); err == nil && Eligible(q, have, s.now()) && alreadyAnswers(have, q) {
		s.trace("store", "already stored; not rewriting the store")
		return nil
	}
	if err := s.Store.Store(ctx, q.Persistent()); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func (s *Server) erase(ctx context.Context, q Credential) error {
	if q.Protocol == "" && q.Host == "" && q.Path == "" && !q.hasUser() {
		return nil // an empty query would match everything; git never sends one
	}
	if err := s.Store.Erase(ctx, q.Persistent()); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	return nil
}
