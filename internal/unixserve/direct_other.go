//go:build !linux

package unixserve

import "net"

// DirectListener is a net.UnixListener here: the direct path is Linux's.
type DirectListener struct{ ln *net.UnixListener }

// DirectConn is a net.UnixConn here.
type DirectConn struct{ *net.UnixConn }

func newDirectListener(ln *net.UnixListener) (*DirectListener, error) {
	return &DirectListener{ln: ln}, nil
}

// Accept waits for the next connection; once l is closed it returns
// net.ErrClosed.
func (l *DirectListener) Accept() (*DirectConn, error) {
	c, err := l.ln.AcceptUnix()
	if err != nil {
		return nil, err
	}
	return &DirectConn{c}, nil
}

// Close stops listening; Accept returns net.ErrClosed.
func (l *DirectListener) Close() error { return l.ln.Close() }
