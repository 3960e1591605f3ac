package dbus

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// Conn is a private connection to a message bus: method calls and their
// replies, one at a time. It is not safe for concurrent use.
type Conn struct {
	sock   unixsock.Conn
	r      *bufio.Reader
	serial uint32
	name   string // our unique name on the bus
	broken error  // set once a read or write failed mid-message
}

// Error is an error reply: the D-Bus error name (for example
// org.freedesktop.DBus.Error.ServiceUnknown) and its message.
type Error struct {
	Name    string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// dialError lists why each of an address's alternatives failed.
type dialError struct {
	address string
	errs    []error
}

func (e *dialError) Error() string {
	msgs := make([]string, len(e.errs))
	for i, err := range e.errs {
		msgs[i] = err.Error()
	}
	return fmt.Sprintf("dbus: cannot connect to bus address %q: %s", e.address, strings.Join(msgs, "; "))
}

func (e *dialError) Unwrap() []error { return e.errs }

// Dial connects to the bus at address (see socketPaths), trying its
// alternatives in order, authenticates as this process's user and
// registers with the bus (Hello). ctx bounds all of it.
func Dial(ctx context.Context, address string) (*Conn, error) {
	paths, err := socketPaths(address)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, p := range paths {
		c, err := dial(ctx, p)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &dialError{address: address, errs: errs}
}

func dial(ctx context.Context, path string) (*Conn, error) {
	sock, err := unixsock.Dial(ctx, path)
	if err != nil {
		return nil, err
	}
	c := &Conn{sock: sock, r: bufio.NewReader(sock)}
	if err := c.handshake(ctx); err != nil {
		sock.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// handshake runs the SASL EXTERNAL exchange, in which the bus checks our
// uid against the socket's peer credentials, then Hello.
func (c *Conn) handshake(ctx context.Context) error {
	return c.withContext(ctx, func() error {
		uid := strconv.Itoa(os.Getuid())
		if _, err := c.sock.Write(fmt.Appendf(nil, "\x00AUTH EXTERNAL %x\r\n", uid)); err != nil {
			return fmt.Errorf("authenticating: %w", err)
		}
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("authenticating: %w", err)
		}
		reply := strings.TrimRight(string(line), "\r\n")
		if !strings.HasPrefix(reply, "OK ") {
			if len(reply) > 100 {
				reply = reply[:100] + "..."
			}
			return fmt.Errorf("the bus refused EXTERNAL authentication as uid %s (it answered %q): is it another user's bus?", uid, reply)
		}
		// BEGIN and Hello go out in one write: the bus reads messages
		// right after BEGIN.
		c.serial++
		hello, err := encodeCall(c.serial, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", nil)
		if err != nil {
			return err
		}
		if _, err := c.sock.Write(append([]byte("BEGIN\r\n"), hello...)); err != nil {
			return fmt.Errorf("starting the session: %w", err)
		}
		body, err := c.reply(c.serial)
		if err != nil {
			return fmt.Errorf("registering with the bus (Hello): %w", err)
		}
		if err := Store(body, &c.name); err != nil {
			return fmt.Errorf("registering with the bus (Hello): %w", err)
		}
		return nil
	})
}

// UniqueName is the name the bus gave this connection (":1.42").
func (c *Conn) UniqueName() string { return c.name }

// Close closes the connection.
func (c *Conn) Close() error { return c.sock.Close() }

// Call calls member of iface on the object at path of the bus name dest
// and returns the reply's values. An error reply is an *Error. ctx's
// deadline and cancellation interrupt a call waiting for its reply; the
// connection is then unusable.
func (c *Conn) Call(ctx context.Context, dest string, path ObjectPath, iface, member string, args ...any) ([]any, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	if c.serial++; c.serial == 0 {
		c.serial = 1
	}
	msg, err := encodeCall(c.serial, dest, path, iface, member, args)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", iface, member, err)
	}
	var body []any
	err = c.withContext(ctx, func() error {
		if _, err := c.sock.Write(msg); err != nil {
			return err
		}
		body, err = c.reply(c.serial)
		return err
	})
	if err != nil {
		if _, ok := err.(*Error); ok {
			return nil, err
		}
		return nil, fmt.Errorf("%s.%s: %w", iface, member, err)
	}
	return body, nil
}

// reply reads messages until the reply to serial, skipping signals and
// anything else addressed to us meanwhile.
func (c *Conn) reply(serial uint32) ([]any, error) {
	for {
		m, err := readMessage(c.r)
		if err != nil {
			return nil, err
		}
		if (m.typ != typeMethodReturn && m.typ != typeError) || m.replySerial != serial {
			continue
		}
		body, err := m.body()
		if err != nil {
			return nil, err
		}
		if m.typ == typeError {
			e := &Error{Name: oneLine(m.errorName)}
			if len(body) > 0 {
				msg, _ := body[0].(string)
				e.Message = oneLine(msg)
			}
			return nil, e
		}
		return body, nil
	}
}

// aLongTimeAgo is a deadline that has passed: setting it wakes a blocked
// read or write at once.
var aLongTimeAgo = time.Unix(1, 0)

// withContext runs f, which reads and writes the socket, under ctx: its
// deadline becomes the socket's, and cancelling it interrupts f. A
// failure other than an error reply leaves the stream mid-message, so it
// breaks the connection; one caused by ctx is reported as ctx's error.
func (c *Conn) withContext(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline, _ := ctx.Deadline() // the zero time is no deadline
	if err := c.sock.SetDeadline(deadline); err != nil {
		return err
	}
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = c.sock.SetDeadline(aLongTimeAgo)
		close(interrupted)
	})
	err := f()
	if !stop() {
		<-interrupted // the deadline change has happened; none is pending
	}
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && !deadline.IsZero() {
		// The socket's deadline is ctx's, but its timer may fire a moment
		// before ctx's: wait for ctx, so that callers checking ctx.Err()
		// see why the call failed.
		<-ctx.Done()
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	c.broken = fmt.Errorf("dbus: connection unusable after an earlier failure: %w", err)
	return err
}

// oneLine replaces control characters (newlines included, and the C1
// range, where U+009B is an 8-bit CSI to some terminals) and invalid
// UTF-8 with spaces: the bus's error text ends up in one-line error
// messages on a terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
}
