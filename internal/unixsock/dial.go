package unixsock

import (
	"io"
	"time"
)

// Conn is a client's connection to a unix socket. Dial returns one that is
// not a net.Conn on purpose: the helper git runs on every request dials
// the cache daemon, the agent and the Secret Service, and linking package
// net for that would cost each call net's start-up (see bench/results.md).
type Conn interface {
	io.ReadWriteCloser
	// SetDeadline makes blocked and future reads and writes fail once t
	// has passed; the zero time means no deadline.
	SetDeadline(t time.Time) error
}
