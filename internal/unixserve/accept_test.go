package unixserve

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Clients that connect and say nothing hold up no one, however many
// workers they occupy, and closing the listener ends every worker once
// their connections end.
func TestSilentClientsHoldUpNoOne(t *testing.T) {
	for _, tc := range []struct {
		name            string
		workers, silent int
	}{
		{"no workers", 0, 3},
		{"one worker, one silent client", 1, 1},
		{"one worker, more silent clients", 1, 3},
		{"four workers, more silent clients", 4, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln := listenTemp(t)
			socket := ln.Addr().String()
			started := make(chan struct{}, tc.silent+1)
			var wg sync.WaitGroup
			done := make(chan struct{})
			go func() {
				defer close(done)
				AcceptWorkers(ln, tc.workers, &wg, func(conn *net.UnixConn) {
					defer conn.Close()
					started <- struct{}{}
					// A generous deadline: the test ends the silent clients itself.
					conn.SetDeadline(time.Now().Add(time.Minute))
					line, err := bufio.NewReader(conn).ReadString('\n')
					if err == nil {
						conn.Write([]byte(line))
					}
				})
			}()

			var silent []net.Conn
			for range tc.silent {
				c, err := net.Dial("unix", socket)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				silent = append(silent, c)
				select { // wait until it is handled: a worker (if any) waits on it
				case <-started:
				case <-time.After(30 * time.Second): // catches a hang, measures nothing
					t.Fatalf("silent client %d of %d not handled with %d workers busy", len(silent), tc.silent, tc.workers)
				}
			}
			c, err := net.Dial("unix", socket)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second)) // catches a hang, measures nothing
			if _, err := c.Write([]byte("ping\n")); err != nil {
				t.Fatal(err)
			}
			if got, err := bufio.NewReader(c).ReadString('\n'); err != nil || got != "ping\n" {
				t.Fatalf("answer with %d silent clients and %d workers = %q, %v; want ping", tc.silent, tc.workers, got, err)
			}

			for _, s := range silent {
				s.Close()
			}
			ln.Close()
			ended := make(chan struct{})
			go func() { <-done; wg.Wait(); close(ended) }()
			select {
			case <-ended:
			case <-time.After(30 * time.Second):
				t.Fatal("workers still running 30s after the listener and its clients closed")
			}
		})
	}
}

// After a burst of clients held at once, the goroutines that were started
// so that accepting never waited end with their connections, down to the
// workers; and every goroutine ends once the listener closes.
func TestBurstShrinksBackToWorkers(t *testing.T) {
	const workers, burst = 2, 7
	ln := listenTemp(t)
	started, release := make(chan struct{}, burst), make(chan struct{})
	var wg sync.WaitGroup
	done := make(chan struct{})
	before := runtime.NumGoroutine()
	go func() {
		defer close(done)
		AcceptWorkers(ln, workers, &wg, func(conn *net.UnixConn) {
			defer conn.Close()
			started <- struct{}{}
			<-release
		})
	}()
	var clients []net.Conn
	for range burst {
		c, err := net.Dial("unix", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
		select {
		case <-started:
		case <-time.After(30 * time.Second): // catches a hang, measures nothing
			t.Fatalf("client %d of %d not handled while the others are held", len(clients), burst)
		}
	}
	close(release)
	// Held: burst handlers plus one accepting. Released: workers accepting,
	// plus the goroutine that runs AcceptWorkers.
	want := before + workers + 1
	deadline := time.Now().Add(30 * time.Second) // catches a leak, measures nothing
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the burst; want %d (%d workers)", runtime.NumGoroutine(), want, workers)
		}
		time.Sleep(time.Millisecond)
	}
	closeAndWait(t, ln, done, &wg, "")
}

// Clients that come and go in parallel, quick and slower, are all
// answered, and closing the listener ends AcceptWorkers: goroutines that
// finish a connection while another is taken never leave no one
// accepting (which hung this test with one worker, as the agent has,
// within a few rounds).
func TestBusyClientsNeverStopAccepting(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 4))) // handlers must overlap
	for _, workers := range []int{1, 4} {
		for round := range 20 {
			ln := listenTemp(t)
			var wg sync.WaitGroup
			done := make(chan struct{})
			go func() {
				defer close(done)
				AcceptWorkers(ln, workers, &wg, func(conn *net.UnixConn) {
					defer conn.Close()
					line, err := bufio.NewReader(conn).ReadString('\n')
					if line == "slow\n" {
						time.Sleep(50 * time.Microsecond)
					}
					if err == nil {
						conn.Write([]byte(line))
					}
				})
			}()
			var clients sync.WaitGroup
			failed := make(chan string, 1)
			for i := range 8 {
				clients.Add(1)
				go func() {
					defer clients.Done()
					msg := []string{"quick\n", "slow\n"}[i%2]
					for range 25 {
						c, err := net.Dial("unix", ln.Addr().String())
						if err != nil {
							continue // the backlog overflowed: not what this test is about
						}
						c.SetDeadline(time.Now().Add(30 * time.Second)) // catches a hang, measures nothing
						c.Write([]byte(msg))
						got, err := bufio.NewReader(c).ReadString('\n')
						c.Close()
						if got != msg {
							select {
							case failed <- fmt.Sprintf("%q answered %q, %v", msg, got, err):
							default:
							}
							return
						}
					}
				}()
			}
			clients.Wait()
			select {
			case f := <-failed:
				t.Fatalf("%d workers, round %d: %s", workers, round, f)
			default:
			}
			closeAndWait(t, ln, done, &wg, fmt.Sprintf("%d workers, round %d: ", workers, round))
		}
	}
}

// One goroutine finishing a connection while another takes a new one must
// leave someone accepting: with one worker (the agent's Accept), a client
// held by the second must not keep a third from its answer. Before the
// finishing goroutine counted itself idle by compare-and-swap, the two
// could each think the other would accept, and the third waited for the
// held client (go test -race found it in each of three runs, at
// iterations 321 to 2539; without the race detector the window is too
// narrow).
func TestFinishingWhileTakingKeepsAnAcceptor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 4))) // the two must overlap
	ln := listenTemp(t)
	var wg sync.WaitGroup
	held := make(chan chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		AcceptWorkers(ln, 1, &wg, func(conn *net.UnixConn) {
			defer conn.Close()
			line, _ := bufio.NewReader(conn).ReadString('\n')
			if line == "hold\n" {
				release := make(chan struct{})
				held <- release
				<-release
				return
			}
			conn.Write([]byte(line))
		})
	}()
	dial := func(msg string) net.Conn {
		c, err := net.Dial("unix", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(30 * time.Second)) // catches a hang, measures nothing
		c.Write([]byte(msg))
		return c
	}
	heldNow := func(i int, which string) chan struct{} {
		select {
		case release := <-held:
			return release
		case <-time.After(30 * time.Second): // catches a hang, measures nothing
			t.Fatalf("iteration %d: the %s client was never handled: no one was accepting", i, which)
			return nil
		}
	}
	for i := range 3000 {
		first := dial("hold\n")
		release := heldNow(i, "first")
		go close(release) // its goroutine finishes ...
		second := dial("hold\n")
		releaseSecond := heldNow(i, "second") // ... while another takes this one and holds it
		third := dial("ping\n")
		got, err := bufio.NewReader(third).ReadString('\n')
		if got != "ping\n" {
			t.Fatalf("iteration %d: a client got %q, %v while another was held: no one was accepting", i, got, err)
		}
		close(releaseSecond)
		first.Close()
		second.Close()
		third.Close()
	}
	closeAndWait(t, ln, done, &wg, "")
}

// listenTemp listens on a socket in a new temporary directory, removed
// when the test ends (t.TempDir's names overflow the socket path limit).
func listenTemp(t *testing.T) *net.UnixListener {
	t.Helper()
	dir, err := os.MkdirTemp("", "gcp-serve")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ln, err := Listen(filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// closeAndWait closes ln, expects AcceptWorkers (which closes done when
// it returns) to return, and waits for its goroutines.
func closeAndWait(t *testing.T, ln *net.UnixListener, done <-chan struct{}, wg *sync.WaitGroup, where string) {
	t.Helper()
	ln.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // catches a hang, measures nothing
		t.Fatal(where + "AcceptWorkers did not return after the listener closed")
	}
	wg.Wait()
}
