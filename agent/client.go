package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/git-credential-pat/git-credential-pat/agent/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// SocketEnv names the variable that tells the far side where the agent
// answers, as SSH_AUTH_SOCK does for ssh-agent.
const SocketEnv = "GIT_CREDENTIAL_PAT_AGENT"

// dialTimeout bounds connecting; a socket nobody listens on fails at once.
const dialTimeout = 2 * time.Second

// errUnreachable means no agent answers on the socket.
var errUnreachable = errors.New("no agent is reachable")

// Client is the far side's store: Get asks the agent; Store and Erase only
// tell it (its log reports them; nothing changes where the token lives).
// With no agent reachable every call does nothing at once, so a chain
// (--store agent,env) moves on.
type Client struct {
	Socket string // "" = no agent: every Get is ErrNotFound
}

// Get asks the agent for q's token.
func (c *Client) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	if credential.IsPeeking(ctx) {
		// A comparison before a store (credential.Server): not a get,
		// which would log (and --confirm ask for) a second answer.
		return c.answered(ctx, q)
	}
	key := q.Persistent()
	key.Capabilities = q.Capabilities
	r, err := c.call(ctx, wire.ActGet, key, "")
	if errors.Is(err, errUnreachable) {
		return credential.Credential{}, credential.ErrNotFound
	}
	if err != nil {
		return credential.Credential{}, err
	}
	if r.Status != wire.StOK {
		return credential.Credential{}, credential.ErrNotFound
	}
	a, err := wire.DecodeCred(r.Cred)
	if err != nil {
		return credential.Credential{}, fmt.Errorf("agent: reading the agent's answer: %w", err)
	}
	// The answer is for q: give it q's identity, so it matches like a
	// stored entry would. Its password_expiry_utc stays as the agent sent it.
	a.Protocol, a.Host, a.Path = q.Protocol, q.Host, q.Path
	a.State = nil
	return a, nil
}

// answered is the peek credential.Server makes before git's store: when
// the agent answered q's very token for q's request, q counts as held, so
// that git's store (which git runs after every success, on every helper)
// does not copy the agent's token into the other stores of a chain
// (--store agent,file) on the far side, where it would outlive the
// agent's --ttl. Only fingerprints travel (see wire.AnswerFingerprint).
// Anything else, an older agent included, is ErrNotFound: the store goes
// ahead as before.
func (c *Client) answered(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	fp := wire.AnswerFingerprint(q)
	if fp == "" || q.Password == "" && q.Credential == "" {
		return credential.Credential{}, credential.ErrNotFound
	}
	// One store request may look more than once (see credential.WithLooks):
	// the agent is asked once.
	type looked struct{ fp string }
	ours, ok := credential.LooksOf(ctx).Load(looked{fp})
	if !ok {
		id := credential.Credential{Protocol: q.Protocol, Host: q.Host, HasHost: q.HasHost, Path: q.Path}
		r, err := c.call(ctx, wire.ActAnswered, id, fp)
		ours = err == nil && r.Status == wire.StOK
		credential.LooksOf(ctx).Store(looked{fp}, ours)
	}
	if b, _ := ours.(bool); !b {
		return credential.Credential{}, credential.ErrNotFound
	}
	return q.Persistent(), nil
}

// Store tells the agent; it changes nothing there. No secret is sent.
func (c *Client) Store(ctx context.Context, cred credential.Credential) error {
	return c.tell(ctx, wire.ActStore, cred)
}

// Erase tells the agent that the server rejected the token; the agent
// reports it in its log and erases nothing. No secret is sent.
func (c *Client) Erase(ctx context.Context, q credential.Credential) error {
	return c.tell(ctx, wire.ActErase, q)
}

func (c *Client) tell(ctx context.Context, action string, cred credential.Credential) error {
	id := credential.Credential{Protocol: cred.Protocol, Host: cred.Host, Path: cred.Path}
	_, err := c.call(ctx, action, id, "")
	if errors.Is(err, errUnreachable) {
		return nil
	}
	return err
}

// call sends one request and reads the reply. A refusal is not an error:
// the far side then has no token, and the agent's log says why.
func (c *Client) call(ctx context.Context, action string, cred credential.Credential, answer string) (wire.Reply, error) {
	if c.Socket == "" {
		return wire.Reply{}, errUnreachable
	}
	if err := checkSocket(c.Socket); err != nil {
		return wire.Reply{}, err
	}
	b, err := wire.EncodeCred(cred)
	if err != nil {
		return wire.Reply{}, fmt.Errorf("agent: %w", err)
	}
	// The agent may wait for its owner's confirmation.
	deadline := unixsock.Deadline(ctx, wire.ConfirmTimeout+2*wire.IOTimeout)
	// git's get (a context that is never cancelled) spares itself the
	// runtime's poller and timers: see DialSync.
	conn, err := unixsock.DialSync(ctx, c.Socket, unixsock.Deadline(ctx, dialTimeout))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return wire.Reply{}, errUnreachable
		}
		return wire.Reply{}, fmt.Errorf("agent: connecting to %s (%s): %w", c.Socket, SocketEnv, err)
	}
	defer conn.Close()
	conn.SetDeadline(deadline)
	if err := wire.SendRequest(conn, wire.Request{Action: action, Cred: b, Answer: answer}); err != nil {
		return wire.Reply{}, unreachableOr(err, "sending "+action+" to", c.Socket)
	}
	var r wire.Reply
	if err := wire.ReceiveReply(conn, wire.MaxReply, &r); err != nil {
		return wire.Reply{}, unreachableOr(err, "reading the reply to "+action+" from", c.Socket)
	}
	if r.Status == wire.StError {
		return r, fmt.Errorf("agent at %s: %s", c.Socket, r.Error)
	}
	return r, nil
}

// Reach reports whether an agent answers on the socket, for doctor. A
// connection alone proves nothing: a socket forwarded by ssh -R accepts
// even when the agent behind it is gone. So it sends a ping, which the
// agent answers without logging; an older agent's "unknown action" is an
// answer too. The error says what is missing: the socket, or an agent
// behind it.
func (c *Client) Reach(ctx context.Context) error {
	if c.Socket == "" {
		return fmt.Errorf("no agent to ask: %s is not set (nor --socket)", SocketEnv)
	}
	r, err := c.call(ctx, wire.ActPing, credential.Credential{}, "")
	switch {
	case errors.Is(err, errUnreachable):
		return fmt.Errorf("no agent answers at %s (%s or --socket)", c.Socket, SocketEnv)
	case err != nil && r.Status == wire.StError:
		return nil // an agent that does not know ping
	case err != nil:
		return err
	case r.Status == wire.StRefused:
		return fmt.Errorf("the agent at %s refuses to answer: %s", c.Socket, r.Error)
	}
	return nil
}

// unreachableOr treats a connection closed without an answer as no agent:
// that is what a forwarded socket does when the agent behind it is gone
// (ssh accepts, then cannot connect on the agent's side).
func unreachableOr(err error, doing, socket string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return errUnreachable
	}
	return fmt.Errorf("agent: %s %s: %w", doing, socket, err)
}

// checkSocket refuses a socket that another user (not root) owns: whoever
// put it there would receive our requests and could hand us a token of
// their choosing.
func checkSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errUnreachable
	}
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("agent: %s (from --socket or %s) is not a socket; point it at the agent's socket", path, SocketEnv)
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Geteuid() && uid != 0 && os.Geteuid() != 0 {
		return fmt.Errorf("agent: the socket %s belongs to uid %d, not to you; refusing to ask it, since another user may have put it there; check %s", path, uid, SocketEnv)
	}
	return nil
}
