//go:build !unix

package unixsock

import (
	"context"
	"net"
	"time"
)

// Dial connects to the unix socket at path. Outside unix systems it goes
// through package net, which is what supports AF_UNIX there.
func Dial(ctx context.Context, path string) (Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}

// DialSync is Dial, giving up connecting at deadline.
func DialSync(ctx context.Context, path string, deadline time.Time) (Conn, error) {
	d := net.Dialer{Deadline: deadline}
	return d.DialContext(ctx, "unix", path)
}
