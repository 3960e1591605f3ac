// Package wire is what the cache client (package cache, linked by the lean
// helper) and the daemon (cache/daemon) share about their exchange: the
// request and reply, their actions and statuses, and how credentials
// travel. Both sides' encoding lives here, without encoding/json (see
// internal/jsonwire), which this package does not import: the client
// writes requests and reads replies, the daemon reads requests
// (ReceiveRequest) and writes replies (AppendReply; only a status reply's
// Info is encoded by the daemon, with encoding/json).
package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
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
	ActGet    = "get"
	ActStore  = "store"
	ActErase  = "erase"
	ActList   = "list"
	ActPing   = "ping"
	ActStatus = "status"
	ActClear  = "clear"
	ActExit   = "exit"
	// For Layer: answers of another store to exact queries, kept apart by
	// Space, the identity of that store. (They were "recall" and "remember"
	// before answers had a Space: a daemon that old answers these with
	// "unknown action", so the layer asks its store instead of getting
	// another store's answer.)
	ActRecall   = "recall-in"   // Cred is the query
	ActRemember = "remember-in" // Cred is the query, Answer the answer
	ActStored   = "stored"      // the other store has stored Cred
	// For commands that change a stored token: forget the answers for
	// Cred's protocol and host (every host when empty) in every Space, and
	// with Entries the cache's own entries for them too.
	ActForget = "forget"
)

// Reply statuses.
const (
	StOK       = "ok"
	StNotFound = "notfound"
	StClosing  = "closing" // the daemon is exiting: start a new one and retry
	StError    = "error"
)

type Request struct {
	Action  string        `json:"action"`
	Cred    []byte        `json:"cred,omitempty"`
	Answer  []byte        `json:"answer,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"` // store, remember: how long to keep it
	Space   string        `json:"space,omitempty"`   // recall, remember: the identity of the store answering
	Entries bool          `json:"entries,omitempty"` // forget: the cache's own entries too
}

type Reply struct {
	Status string      `json:"status"`
	Error  string      `json:"error,omitempty"`
	Creds  [][]byte    `json:"creds,omitempty"`
	Info   *StatusInfo `json:"info,omitempty"`

	// InfoJSON is the raw JSON of Info as a client read it (ReceiveReply
	// does not decode it: only Status needs it, through ParseStatus).
	InfoJSON []byte `json:"-"`
}

// StatusInfo describes a daemon without revealing any secret.
type StatusInfo struct {
	Running    bool      `json:"running"`
	PID        int       `json:"pid,omitempty"`
	Entries    int       `json:"entries"`
	NextExpiry time.Time `json:"next_expiry,omitzero"` // zero when empty
	RSS        int64     `json:"rss,omitempty"`        // resident memory in bytes; 0 where unknown
}

// ParseStatus decodes the raw Info of a status reply (Reply.InfoJSON) as
// json.Unmarshal would into a zero info, without encoding/json: where it
// accepts the input it gives the same values (wire_json_test.go compares
// them); like internal/jsonwire it refuses what encoding/json would have
// to guess at (a member named twice, or differing from a field's name
// only in case).
func ParseStatus(data []byte, info *StatusInfo) error {
	return jsonwire.Object(data, statusFields, func(name string, v []byte) error {
		var n int64
		var err error
		switch name {
		case "running":
			info.Running, err = jsonwire.Bool(v)
		case "pid":
			n, err = jsonwire.Int(v, strconv.IntSize)
			info.PID = int(n)
		case "entries":
			n, err = jsonwire.Int(v, strconv.IntSize)
			info.Entries = int(n)
		case "next_expiry":
			err = info.NextExpiry.UnmarshalJSON(v) // what encoding/json calls; null leaves it
		case "rss":
			info.RSS, err = jsonwire.Int(v, 64)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
}

var statusFields = []string{"running", "pid", "entries", "next_expiry", "rss"}

// ReadyEnv names the inherited file descriptor on which a daemon started
// by a client reports "ok" once it listens, or why it could not.
const ReadyEnv = "GIT_CREDENTIAL_PAT_CACHE_READY_FD"

// AnswerKey is the part of a query the answer depends on.
func AnswerKey(q credential.Credential) credential.Credential {
	k := credential.Credential{Protocol: q.Protocol, Host: q.Host, HasHost: q.Persistent().HasHost, Path: q.Path}
	if q.Persistent().HasUsername {
		k.SetUsername(q.Username)
	}
	if q.HasCapability(credential.CapAuthType) {
		k.Capabilities = []string{credential.CapAuthType}
	}
	return k
}

// Bounds on what either side reads: a request holds one credential, a
// reply may list every entry.
const (
	MaxRequest = 2 * credential.MaxInputBytes
	MaxReply   = 64 << 20
)

// secretRefLine leads an encoded credential whose password is a secret
// reference stored with login --ref (credential.SecretRef), which git's
// format has no key for. credential.Write always starts with one of git's
// keys, so only encodeCred can put this line first.
const secretRefLine = "pat_secret_ref=1\n"

func EncodeCred(c credential.Credential) ([]byte, error) {
	var b bytes.Buffer
	if c.SecretRef {
		b.WriteString(secretRefLine)
	}
	err := credential.Write(&b, c)
	return b.Bytes(), err
}

func DecodeCred(b []byte) (credential.Credential, error) {
	rest, marked := bytes.CutPrefix(b, []byte(secretRefLine))
	c, err := credential.Read(bytes.NewReader(rest))
	c.SecretRef = marked && err == nil
	return c, err
}

// The client's side of the wire, without encoding/json (see
// internal/jsonwire): SendRequest writes what json.Encoder writes for
// req, byte for byte, and ReceiveReply reads what json.Decoder reads,
// except Info, which it keeps as raw JSON in r.InfoJSON.

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

// The daemon reads requests without encoding/json too: it is faster, and
// the fewer and shallower calls leave a connection's goroutine less stack
// to grow. ReceiveRequest reads what the daemon's json.Decoder read, and
// ParseRequest gives the values json.Unmarshal gives where it accepts the
// input (wire_json_test.go compares them); like internal/jsonwire it
// refuses what encoding/json would have to guess at.

func ReceiveRequest(conn io.Reader, limit int64, req *Request) error {
	data, err := jsonwire.ReadValue(io.LimitReader(conn, limit))
	if errors.Is(err, jsonwire.ErrNotObject) {
		return &MalformedRequest{err}
	}
	if err != nil {
		return err
	}
	if err := ParseRequest(data, req); err != nil {
		return &MalformedRequest{err}
	}
	return nil
}

// MalformedRequest is ReceiveRequest's error for what cannot be a request
// (a JSON value of another kind, or an object with members of the wrong
// type): the client may be waiting for a reply, unlike one that sent
// nothing, or not all of its request.
type MalformedRequest struct{ Err error }

func (e *MalformedRequest) Error() string { return "malformed request: " + e.Err.Error() }
func (e *MalformedRequest) Unwrap() error { return e.Err }

var requestFields = []string{"action", "cred", "answer", "timeout", "space", "entries"}

func ParseRequest(data []byte, req *Request) error {
	return jsonwire.Object(data, requestFields, func(name string, v []byte) (err error) {
		switch name {
		case "action":
			req.Action, err = jsonwire.String(v)
		case "cred":
			req.Cred, err = jsonwire.Bytes(v)
		case "answer":
			req.Answer, err = jsonwire.Bytes(v)
		case "timeout":
			var n int64
			n, err = jsonwire.Int(v, 64)
			req.Timeout = time.Duration(n)
		case "space":
			req.Space, err = jsonwire.String(v)
		case "entries":
			req.Entries, err = jsonwire.Bool(v)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
}

func ReceiveReply(conn io.Reader, limit int64, r *Reply) error {
	data, err := jsonwire.ReadValue(io.LimitReader(conn, limit))
	if err != nil {
		return err
	}
	return ParseReply(data, r)
}

var replyFields = []string{"status", "error", "creds", "info"}

// AppendReply appends r as the daemon sends it: the bytes encoding/json's
// Encoder writes for r, final newline included, with Info taken as
// already encoded from InfoJSON (the daemon marshals it; Info itself is
// not looked at). By hand because every get, store and erase git makes
// waits for a reply, and encoding/json's reflection was about a tenth of
// the daemon's CPU per request.
func AppendReply(b []byte, r Reply) []byte {
	b = append(b, `{"status":`...)
	b = jsonwire.AppendString(b, r.Status)
	if r.Error != "" {
		b = append(b, `,"error":`...)
		b = jsonwire.AppendString(b, r.Error)
	}
	if len(r.Creds) > 0 {
		b = append(b, `,"creds":[`...)
		for i, c := range r.Creds {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendBytes(b, c)
		}
		b = append(b, ']')
	}
	if len(r.InfoJSON) > 0 {
		b = append(b, `,"info":`...)
		b = append(b, r.InfoJSON...)
	}
	return append(b, "}\n"...)
}

func ParseReply(data []byte, r *Reply) error {
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
				r.InfoJSON = v
			}
		}
		return err
	})
}
