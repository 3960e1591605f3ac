package unixserve

import (
	"errors"
	"net"
	"sync"
	"time"
)

// Accept runs handle on each connection ln accepts, each in a goroutine
// counted in wg, until ln is closed. A failed accept (out of file
// descriptors, say) waits a little for some to close and tries again.
func Accept(ln *net.UnixListener, wg *sync.WaitGroup, handle func(*net.UnixConn)) {
	AcceptWorkers(ln, 0, wg, handle)
}

// AcceptWorkers is Accept with workers long-lived goroutines: a
// connection goes to one of them that is idle, and only when none is to a
// new goroutine, as Accept does. A worker's stack stays grown from one
// connection to the next, where a new goroutine would grow (copy) its
// stack again on every connection; and no worker can be held by a client
// in a way that keeps another client waiting, since a busy pool only
// means a goroutine of its own for the next connection. Workers and
// goroutines are counted in wg and end once ln is closed.
func AcceptWorkers(ln *net.UnixListener, workers int, wg *sync.WaitGroup, handle func(*net.UnixConn)) {
	conns := make(chan *net.UnixConn) // unbuffered: a send succeeds only to an idle worker
	defer close(conns)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for conn := range conns {
				handle(conn)
			}
		}()
	}
	for {
		conn, err := ln.AcceptUnix()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		select {
		case conns <- conn:
		default:
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(conn)
			}()
		}
	}
}
