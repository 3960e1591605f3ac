package server

import (
	"encoding/json"
	"io"
	"net"

	"github.com/git-credential-pat/git-credential-pat/agent/internal/wire"
)

// Info is what agent --list shows: the limits and what was asked. It
// never holds a secret.
type Info = wire.Info

// Event is one request the agent saw, as its log line says it.
type Event = wire.Event

// The agent's side of the wire (see agent/internal/wire): one request and
// one reply per connection, each a JSON object, with encoding/json. The
// client (package agent) writes and reads the same bytes without it.

func send(conn net.Conn, v any) error { return json.NewEncoder(conn).Encode(v) }

func receive(conn net.Conn, limit int64, v any) error {
	return json.NewDecoder(io.LimitReader(conn, limit)).Decode(v)
}
