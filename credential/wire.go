package credential

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on what Read accepts. git itself caps a line at 64 KiB; the total
// bound keeps a hostile or broken caller from making us buffer gigabytes.
const (
	MaxLineBytes  = 64 << 10
	MaxInputBytes = 4 << 20
)

// ProtocolError reports malformed helper input. It never quotes the line,
// which may hold a token.
type ProtocolError struct {
	Line int
	Msg  string
}

func (e *ProtocolError) Error() string { return fmt.Sprintf("protocol: line %d: %s", e.Line, e.Msg) }

// Read parses one credential block: key=value lines up to a blank line or
// EOF. Unknown keys are ignored; "key[]=" with an empty value clears that
// list; a trailing CR is accepted (git 2.29) but a CR inside a value is not
// (CVE-2024-52006). Any malformed line makes the whole block an error.
func Read(r io.Reader) (Credential, error) {
	var c Credential
	br := bufio.NewReaderSize(r, readBufferSize(r))
	total := 0
	for n := 1; ; n++ {
		line, err := readLine(br, n)
		if err != nil && !errors.Is(err, io.EOF) {
			return Credential{}, err
		}
		total += len(line) + 1
		if total > MaxInputBytes {
			return Credential{}, &ProtocolError{n, fmt.Sprintf("input exceeds %d bytes", MaxInputBytes)}
		}
		if len(line) == 0 {
			// A blank line or EOF ends the block.
			return c, nil
		}
		if perr := c.apply(line, n); perr != nil {
			return Credential{}, perr
		}
		if errors.Is(err, io.EOF) {
			return c, nil
		}
	}
}

// readBufferSize is 4 KiB, or less for input in memory that is shorter:
// the cache daemon decodes a credential of a hundred bytes or so from
// each request, and zeroing 4 KiB for it cost more than parsing it.
func readBufferSize(r io.Reader) int {
	const size = 4096
	if m, ok := r.(interface{ Len() int }); ok { // bytes.Reader, strings.Reader
		return min(max(m.Len()+1, 16), size) // 16 is bufio's least
	}
	return size
}

// readLine returns one line without its LF (and one trailing CR), or io.EOF
// with whatever came before it.
func readLine(br *bufio.Reader, n int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > MaxLineBytes+2 {
			// Drain the rest of the line so the error is about this line only.
			return nil, &ProtocolError{n, fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		}
		switch {
		case err == nil:
			buf = buf[:len(buf)-1]
			buf = bytes.TrimSuffix(buf, []byte("\r"))
			return buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return bytes.TrimSuffix(buf, []byte("\r")), io.EOF
		default:
			return nil, fmt.Errorf("protocol: reading line %d: %w", n, err)
		}
	}
}

func (c *Credential) apply(line []byte, n int) error {
	if bytes.IndexByte(line, 0) >= 0 {
		return &ProtocolError{n, "contains a NUL byte"}
	}
	key, value, ok := strings.Cut(string(line), "=")
	if !ok {
		return &ProtocolError{n, `no "=" (expected key=value)`}
	}
	if strings.IndexByte(value, '\r') >= 0 {
		return &ProtocolError{n, fmt.Sprintf("value of %q contains a carriage return", safeKey(key))}
	}
	switch key {
	case "protocol":
		c.Protocol = value
	case "host":
		c.Host, c.HasHost = value, true
	case "path":
		c.Path = value
	case "username":
		c.SetUsername(value)
	case "password":
		c.SetPassword(value)
	case "password_expiry_utc":
		// Like git: an unparsable or zero expiry means "never expires".
		v, err := strconv.ParseInt(value, 10, 64)
		if err != nil || v < 0 {
			v = 0
		}
		c.PasswordExpiryUTC = v
	case "oauth_refresh_token":
		c.OAuthRefreshToken = value
	case "url":
		u, err := ParseURL(value)
		if err != nil {
			return &ProtocolError{n, err.Error()}
		}
		// Like git (credential_from_url clears the credential first):
		// a url= line replaces everything read before it, not just the
		// URL's parts, so no earlier password or header outlives it.
		*c = u
	case "authtype":
		c.AuthType = value
	case "credential":
		c.Credential = value
	case "ephemeral":
		c.Ephemeral = parseBool(value)
	case "continue":
		c.Continue = parseBool(value)
	case "quit":
		c.Quit = parseBool(value)
	case "capability[]":
		c.Capabilities = appendOrClear(c.Capabilities, value)
	case "wwwauth[]":
		c.WWWAuth = appendOrClear(c.WWWAuth, value)
	case "state[]":
		c.State = appendOrClear(c.State, value)
	}
	return nil
}

// safeKey shortens a key for an error message.
func safeKey(k string) string {
	if len(k) > 40 {
		return k[:40] + "..."
	}
	return k
}

func appendOrClear(list []string, v string) []string {
	if v == "" {
		return nil
	}
	return append(list, v)
}

// parseBool accepts git's spellings of true.
func parseBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// Write renders c as key=value lines in a stable order, only the attributes
// that are set. It refuses a value holding a newline or NUL rather than
// emit a line git would misread.
func Write(w io.Writer, c Credential) error {
	var b bytes.Buffer
	bad := ""
	add := func(k, v string) {
		if strings.ContainsAny(v, "\n\x00") {
			bad = k
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	for _, v := range c.Capabilities {
		add("capability[]", v)
	}
	if c.Protocol != "" {
		add("protocol", c.Protocol)
	}
	if c.hasHost() {
		add("host", c.Host)
	}
	if c.Path != "" {
		add("path", c.Path)
	}
	if c.hasUser() {
		add("username", c.Username)
	}
	if c.hasPass() {
		add("password", c.Password)
	}
	if c.PasswordExpiryUTC != 0 {
		add("password_expiry_utc", formatExpiry(c.PasswordExpiryUTC))
	}
	if c.OAuthRefreshToken != "" {
		add("oauth_refresh_token", c.OAuthRefreshToken)
	}
	if c.AuthType != "" {
		add("authtype", c.AuthType)
	}
	if c.Credential != "" {
		add("credential", c.Credential)
	}
	if c.Ephemeral {
		add("ephemeral", "1")
	}
	for _, v := range c.WWWAuth {
		add("wwwauth[]", v)
	}
	for _, v := range c.State {
		add("state[]", v)
	}
	if c.Continue {
		add("continue", "1")
	}
	if c.Quit {
		add("quit", "1")
	}
	if bad != "" {
		return fmt.Errorf("protocol: refusing to write %s: its value contains a newline or NUL", bad)
	}
	_, err := w.Write(b.Bytes())
	return err
}
