// Package wire is what the agent's client (package agent, linked by the
// lean helper for --store agent) and the agent itself (agent/server)
// share about their exchange: the request and reply, their actions and
// statuses, and how credentials travel. The client's side of the encoding
// lives here, without encoding/json (see internal/jsonwire); the agent
// encodes and decodes the same structs with encoding/json, which this
// package does not import.
package wire

import (
	"bytes"
	"errors"
	"io"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/fingerprint"
	"github.com/git-credential-pat/git-credential-pat/internal/jsonwire"
)

// One request and one reply per connection, each a JSON object, as the
// cache daemon does. Credentials travel as bytes in credential.Write's
// format, so every attribute round-trips exactly.

// Actions on the answer socket (the one the far side reaches).
const (
	ActGet   = "get"
	ActStore = "store" // reported in the log; changes nothing
	ActErase = "erase" // reported in the log; changes nothing
	ActPing  = "ping"  // doctor's "is an agent there?"; not logged
	// ActAnswered asks whether the agent answered the token that git on
	// the far side is about to store (Request.Answer): the far side's
	// helper then writes it to none of its stores (see Client.Get).
	ActAnswered = "answered"
)

// Actions on the control socket (never forwarded).
const (
	ActList = "list"
	ActStop = "stop"
)

// Reply statuses.
const (
	StOK       = "ok"
	StNotFound = "notfound" // allowed, but the store at home has no token for it
	StRefused  = "refused"  // not allowed, not confirmed, or not a permitted user
	StError    = "error"
)

type Request struct {
	Action string `json:"action"`
	Cred   []byte `json:"cred,omitempty"`
	Answer string `json:"answer,omitempty"` // ActAnswered: AnswerFingerprint of what git stores
}

type Reply struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	Cred   []byte `json:"cred,omitempty"`
	Info   *Info  `json:"info,omitempty"`
}

// Info is what agent --list shows: the limits and what was asked. It
// never holds a secret.
type Info struct {
	PID      int       `json:"pid"`
	Socket   string    `json:"socket"`
	Started  time.Time `json:"started"`
	Expires  time.Time `json:"expires,omitzero"` // zero: until stopped
	Confirm  bool      `json:"confirm"`
	Allow    []string  `json:"allow"`
	Requests []Event   `json:"requests"` // oldest first, the most recent the agent keeps
}

// Event is one request the agent saw, as its log line says it.
type Event struct {
	Time   time.Time `json:"time"`
	Action string    `json:"action"`
	URL    string    `json:"url"`    // protocol://host/path, no username or secret
	Peer   string    `json:"peer"`   // pid, uid and command of the connecting process
	Result string    `json:"result"` // answered, refused, not found, ignored, reported
	Reason string    `json:"reason,omitempty"`
}

// Timeouts both sides know: the client waits as long as the agent may.
const (
	// IOTimeout bounds reading a request and writing a reply, so a silent
	// client is dropped.
	IOTimeout = 5 * time.Second
	// ConfirmTimeout is how long --confirm waits for the owner's answer
	// before refusing.
	ConfirmTimeout = 60 * time.Second
)

// Bounds on what either side reads.
const (
	MaxRequest = 2 * credential.MaxInputBytes
	MaxReply   = 16 << 20
)

// AnswerFingerprint names a token answered for a request: the request's
// protocol, host and path with the answer's username and secrets, hashed.
// The agent keeps the fingerprints of its answers, never the tokens, and
// the far side sends the fingerprint of what git stores, never the token.
// "" for a credential that cannot be written (it names nothing).
func AnswerFingerprint(c credential.Credential) string {
	id := credential.Credential{Protocol: c.Protocol, Host: c.Host, Path: c.Path,
		Username: c.Username, Password: c.Password, AuthType: c.AuthType, Credential: c.Credential}
	var b bytes.Buffer
	b.WriteString("git-credential-pat agent answer v1\x00")
	if err := credential.Write(&b, id); err != nil {
		return ""
	}
	return fingerprint.Hex(b.Bytes(), 16)
}

func EncodeCred(c credential.Credential) ([]byte, error) {
	var b bytes.Buffer
	err := credential.Write(&b, c)
	return b.Bytes(), err
}

func DecodeCred(b []byte) (credential.Credential, error) {
	return credential.Read(bytes.NewReader(b))
}

// The client's side of get, store and erase, without encoding/json (see
// internal/jsonwire): SendRequest writes what the agent's json.Encoder
// writes for req, byte for byte, and ReceiveReply reads what its
// json.Decoder reads but Info, which those replies do not carry (list,
// which has it, decodes with encoding/json in agent/server).

func SendRequest(conn io.Writer, req Request) error {
	_, err := conn.Write(AppendRequest(nil, req))
	return err
}

func AppendRequest(b []byte, req Request) []byte {
	b = append(b, `{"action":`...)
	b = jsonwire.AppendString(b, req.Action)
	if len(req.Cred) > 0 {
		b = append(b, `,"cred":`...)
		b = jsonwire.AppendBytes(b, req.Cred)
	}
	if req.Answer != "" {
		b = append(b, `,"answer":`...)
		b = jsonwire.AppendString(b, req.Answer)
	}
	return append(b, "}\n"...)
}

func ReceiveReply(conn io.Reader, limit int64, r *Reply) error {
	data, err := jsonwire.ReadValue(io.LimitReader(conn, limit))
	if err != nil {
		return err
	}
	return ParseReply(data, r)
}

var replyFields = []string{"status", "error", "cred", "info"}

// ParseReply leaves r.Info nil: a reply that has one is refused (the
// client's calls never get one).
func ParseReply(data []byte, r *Reply) error {
	return jsonwire.Object(data, replyFields, func(name string, v []byte) (err error) {
		switch name {
		case "status":
			r.Status, err = jsonwire.String(v)
		case "error":
			r.Error, err = jsonwire.String(v)
		case "cred":
			r.Cred, err = jsonwire.Bytes(v)
		case "info":
			if !jsonwire.IsNull(v) {
				err = errors.New("agent: a reply to get, store or erase with info")
			}
		}
		return err
	})
}
