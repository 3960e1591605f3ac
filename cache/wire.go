package cache

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
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

func receive(conn net.Conn, limit int64, v any) error {
	return json.NewDecoder(io.LimitReader(conn, limit)).Decode(v)
}
