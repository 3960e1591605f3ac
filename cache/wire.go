package cache

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/jsonwire"
)

// The client and the daemon exchange one request and one reply per
// connection, each a JSON object. Credentials travel as bytes in
// credential.Write's format, so every attribute round-trips exactly (JSON
// strings would mangle a password that is not valid UTF-8).

// Actions a client may ask for.
const (
	actGet    = "get"
	actStore  = "store"
	actErase  = "erase"
	actList   = "list"
	actPing   = "ping"
	actStatus = "status"
	actClear  = "clear"
	actExit   = "exit"
	// For Layer: answers of another store to exact queries, kept apart by
	// Space, the identity of that store. (They were "recall" and "remember"
	// before answers had a Space: a daemon that old answers these with
	// "unknown action", so the layer asks its store instead of getting
	// another store's answer.)
	actRecall   = "recall-in"   // Cred is the query
	actRemember = "remember-in" // Cred is the query, Answer the answer
	actStored   = "stored"      // the other store has stored Cred
	// For commands that change a stored token: forget the answers for
	// Cred's protocol and host (every host when empty) in every Space, and
	// with Entries the cache's own entries for them too.
	actForget = "forget"
)

// Reply statuses.
const (
	stOK       = "ok"
	stNotFound = "notfound"
	stClosing  = "closing" // the daemon is exiting: start a new one and retry
	stError    = "error"
)

type request struct {
	Action  string        `json:"action"`
	Cred    []byte        `json:"cred,omitempty"`
	Answer  []byte        `json:"answer,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"` // store, remember: how long to keep it
	Space   string        `json:"space,omitempty"`   // recall, remember: the identity of the store answering
	Entries bool          `json:"entries,omitempty"` // forget: the cache's own entries too
}

type reply struct {
	Status string      `json:"status"`
	Error  string      `json:"error,omitempty"`
	Creds  [][]byte    `json:"creds,omitempty"`
	Info   *StatusInfo `json:"info,omitempty"`

	// info is the raw JSON of Info as a client read it (receiveReply does
	// not decode it: only Status needs it, and it uses encoding/json).
	info []byte
}

// Bounds on what either side reads: a request holds one credential, a
// reply may list every entry.
const (
	maxRequest = 2 * credential.MaxInputBytes
	maxReply   = 64 << 20
)

// secretRefLine leads an encoded credential whose password is a secret
// reference stored with login --ref (credential.SecretRef), which git's
// format has no key for. credential.Write always starts with one of git's
// keys, so only encodeCred can put this line first.
const secretRefLine = "pat_secret_ref=1\n"

func encodeCred(c credential.Credential) ([]byte, error) {
	var b bytes.Buffer
	if c.SecretRef {
		b.WriteString(secretRefLine)
	}
	err := credential.Write(&b, c)
	return b.Bytes(), err
}

func decodeCred(b []byte) (credential.Credential, error) {
	rest, marked := bytes.CutPrefix(b, []byte(secretRefLine))
	c, err := credential.Read(bytes.NewReader(rest))
	c.SecretRef = marked && err == nil
	return c, err
}

func send(conn net.Conn, v any) error { return json.NewEncoder(conn).Encode(v) }

// The client's side of the wire, without encoding/json (see
// internal/jsonwire): sendRequest writes what send(conn, req) writes, byte
// for byte, and receiveReply reads what receive(conn, limit, &r) reads,
// except Info, which it keeps as raw JSON in r.info.

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
	if len(req.Answer) > 0 {
		b = append(b, `,"answer":`...)
		b = jsonwire.AppendBytes(b, req.Answer)
	}
	if req.Timeout != 0 {
		b = append(b, `,"timeout":`...)
		b = jsonwire.AppendInt(b, int64(req.Timeout))
	}
	if req.Space != "" {
		b = append(b, `,"space":`...)
		b = jsonwire.AppendString(b, req.Space)
	}
	if req.Entries {
		b = append(b, `,"entries":true`...)
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

var replyFields = []string{"status", "error", "creds", "info"}

func parseReply(data []byte, r *reply) error {
	return jsonwire.Object(data, replyFields, func(name string, v []byte) (err error) {
		switch name {
		case "status":
			r.Status, err = jsonwire.String(v)
		case "error":
			r.Error, err = jsonwire.String(v)
		case "creds":
			r.Creds, err = jsonwire.BytesList(v)
		case "info":
			if !jsonwire.IsNull(v) {
				r.info = v
			}
		}
		return err
	})
}

func receive(conn net.Conn, limit int64, v any) error {
	return json.NewDecoder(io.LimitReader(conn, limit)).Decode(v)
}
