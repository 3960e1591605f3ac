//go:build !unix

package unixsock

import (
	"context"
	"net"
)

// Dial connects to the unix socket at path. Outside unix systems it goes
// through package net, which is what supports AF_UNIX there.
func Dial(ctx context.Context, path string) (Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}
