package daemon

import (
	"encoding/json"
	"io"
	"net"
)

// The daemon's side of the wire (see cache/internal/wire): one request
// and one reply per connection, each a JSON object, with encoding/json.
// The client writes and reads the same bytes without it.

func send(conn net.Conn, v any) error { return json.NewEncoder(conn).Encode(v) }

func receive(conn net.Conn, limit int64, v any) error {
	return json.NewDecoder(io.LimitReader(conn, limit)).Decode(v)
}
