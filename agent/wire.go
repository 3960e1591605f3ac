package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/jsonwire"
)

// One request and one reply per connection, each a JSON object, as the
// cache daemon does. Credentials travel as bytes in credential.Write's
// format, so every attribute round-trips exactly.

// Actions on the answer socket (the one the far side reaches).
const (
	actGet   = "get"
	actStore = "store" // reported in the log; changes nothing
	actErase = "erase" // reported in the log; changes nothing
)

// Actions on the control socket (never forwarded).
const (
	actList = "list"
	actStop = "stop"
)

// Reply statuses.
const (
	stOK       = "ok"
	stNotFound = "notfound" // allowed, but the store at home has no token for it
	stRefused  = "refused"  // not allowed, not confirmed, or not a permitted user
	stError    = "error"
)

type request struct {
	Action string `json:"action"`
	Cred   []byte `json:"cred,omitempty"`
}

type reply struct {
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
	Requests []Event   `json:"requests"` // oldest first, the most recent maxEvents
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

// Bounds on what either side reads.
const (
	maxRequest = 2 * credential.MaxInputBytes
	maxReply   = 16 << 20
)

func encodeCred(c credential.Credential) ([]byte, error) {
	var b bytes.Buffer
	err := credential.Write(&b, c)
	return b.Bytes(), err
}

func decodeCred(b []byte) (credential.Credential, error) {
	return credential.Read(bytes.NewReader(b))
}

func send(conn net.Conn, v any) error { return json.NewEncoder(conn).Encode(v) }

// The client's side of get, store and erase, without encoding/json (see
// internal/jsonwire): sendRequest writes what send(conn, req) writes, byte
// for byte, and receiveReply reads what receive(conn, limit, &r) reads but
// Info, which those replies do not carry (list, which has it, uses
// receive).

func sendRequest(conn net.Conn, req request) error {
	_, err := conn.Write(appendRequest(nil, req))
	return err
}

func appendRequest(b []byte, req request) []byte {
	b = append(b, `{"action":`...)
	b = jsonwire.AppendString(b, req.Action)
	if len(req.Cred) > 0 {
		b = append(b, `,"cred":`...)
		b = jsonwire.AppendBytes(b, req.Cred)
	}
	return append(b, "}\n"...)
}

func receiveReply(conn net.Conn, limit int64, r *reply) error {
	data, err := jsonwire.ReadValue(io.LimitReader(conn, limit))
	if err != nil {
		return err
	}
	return parseReply(data, r)
}

var replyFields = []string{"status", "error", "cred", "info"}

// parseReply leaves r.Info nil: a reply that has one is refused (the
// client's calls never get one).
func parseReply(data []byte, r *reply) error {
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

func receive(conn net.Conn, limit int64, v any) error {
	return json.NewDecoder(io.LimitReader(conn, limit)).Decode(v)
}
