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
	for {
		conn, err := ln.AcceptUnix()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			handle(conn)
		}()
	}
}
