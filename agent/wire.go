package agent

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
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

func receive(conn net.Conn, limit int64, v any) error {
	return json.NewDecoder(io.LimitReader(conn, limit)).Decode(v)
}
