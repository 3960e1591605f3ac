package unixsock

import (
	"context"
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

// Deadline is the earlier of now+limit and ctx's deadline: what a client
// passes to DialSync and SetDeadline for an exchange that may take at
// most limit.
func Deadline(ctx context.Context, limit time.Duration) time.Time {
	d := time.Now().Add(limit)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		return cd
	}
	return d
}
