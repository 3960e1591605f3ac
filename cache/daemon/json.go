package daemon

import (
	"encoding/json"
	"net"
)

// The daemon's side of the wire (see cache/internal/wire): one request
// and one reply per connection, each a JSON object. It reads requests
// with wire.ReceiveRequest and writes replies with encoding/json; the
// client writes and reads the same bytes without it.

func send(conn net.Conn, v any) error { return json.NewEncoder(conn).Encode(v) }
