package daemon

import (
	"encoding/json"
	"io"

	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
)

// The daemon's side of the wire (see cache/internal/wire): one request
// and one reply per connection, each a JSON object, read with
// wire.ReceiveRequest and written with wire.AppendReply. Only a status
// reply's Info goes through encoding/json.

func send(w io.Writer, r wire.Reply) error {
	r.InfoJSON = nil
	if r.Info != nil {
		info, err := json.Marshal(r.Info)
		if err != nil {
			return err
		}
		r.InfoJSON = info
	}
	_, err := w.Write(wire.AppendReply(make([]byte, 0, 512), r))
	return err
}
