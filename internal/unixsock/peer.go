package unixsock

// Peer is the process on the other end of a unix socket connection.
type Peer struct {
	UID, PID int
	Known    bool // false where the system cannot tell (see PeerOf)
}
