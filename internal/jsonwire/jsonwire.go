// Package jsonwire writes and reads the few JSON objects the cache and
// agent clients exchange with their daemons, without encoding/json: the
// lean helper (cmd/git-credential-pat) runs them on every git request, and
// encoding/json's reflection-driven code is a measurable part of its start
// (binary size, pages faulted in; issue 17). The cache daemon writes its
// replies with it too (cache/internal/wire.AppendReply); the agent keeps
// encoding/json.
//
// What it writes is byte for byte what json.Encoder writes for the same
// struct (HTML-escaped strings, []byte as standard base64, a newline at the
// end); what it reads is a subset of what json.Decoder accepts, and where
// it accepts input it gives the same values (jsonwire_test.go compares both
// and fuzzes the comparison). Where it is stricter (a key that differs from
// a field's name only in case, a lone UTF-16 surrogate, invalid UTF-8, which
// encoding/json never writes) it returns an error rather than guess.
package jsonwire

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, escaped as json.Encoder does
// with its default SetEscapeHTML(true).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendBytes appends b as encoding/json writes a []byte: a string of its
// standard base64 encoding (null for a nil slice).
func AppendBytes(dst, b []byte) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = appendBase64(dst, b)
	return append(dst, '"')
}

// AppendInt appends n as a JSON number.
func AppendInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// ErrNotObject is ReadValue's error for input that is not an object or an
// array (a daemon's reply and a client's request are always objects).
var ErrNotObject = errors.New("jsonwire: not a JSON object")

// ReadValue reads one JSON value from r, leading white space included, and
// returns its bytes; like json.Decoder it stops reading at the value's end
// (up to what one read returned). It returns io.EOF if r ends before the
// value starts and io.ErrUnexpectedEOF if it ends inside it. Only objects
// and arrays are values here: anything else is ErrNotObject (wrapped).
func ReadValue(r io.Reader) ([]byte, error) {
	buf := make([]byte, 0, 512)
	var (
		depth    int
		started  bool
		inString bool
		escaped  bool
		scanned  int
	)
	for {
		for ; scanned < len(buf); scanned++ {
			c := buf[scanned]
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				if !started {
					return nil, ErrNotObject
				}
				inString = true
			case c == '{' || c == '[':
				started = true
				depth++
			case c == '}' || c == ']':
				depth--
				if depth < 0 {
					return nil, fmt.Errorf("%w: unbalanced JSON", ErrNotObject)
				}
				if depth == 0 {
					return buf[:scanned+1], nil
				}
			case !started && c != ' ' && c != '\t' && c != '\r' && c != '\n':
				return nil, ErrNotObject
			}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if n > 0 {
			continue
		}
		if err == io.EOF {
			if started {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
	}
}

// Object calls field for each member of the JSON object in data, in order,
// with its name and the raw bytes of its value, after checking that the
// whole of data is one well-formed JSON value. A member whose name equals
// one of known but for case is an error: encoding/json would match it to
// that field, which this package does not try to do. So is a known name
// given twice (encoding/json would merge or replace); other members are
// ignored however often they come, as encoding/json ignores them. The
// checks cost the same for every member, so a hostile object of many
// members costs time in proportion to its size.
func Object(data []byte, known []string, field func(name string, value []byte) error) error {
	p := parser{data: data}
	p.space()
	if p.i >= len(data) || data[p.i] != '{' {
		return p.fail("an object")
	}
	seen := make([]bool, len(known))
	err := p.members(0, func(name string, value []byte) error {
		for i, k := range known {
			switch {
			case name == k && seen[i]:
				return fmt.Errorf("jsonwire: member %q twice", name)
			case name == k:
				seen[i] = true
			case strings.EqualFold(name, k):
				return fmt.Errorf("jsonwire: member %q differs from %q only in case", name, k)
			}
		}
		return field(name, value)
	})
	if err != nil {
		return err
	}
	p.space()
	if p.i != len(data) {
		return p.fail("the end of the object")
	}
	return nil
}

// IsNull reports whether value is JSON's null.
func IsNull(value []byte) bool { return string(value) == "null" }

// String decodes a JSON string (null gives "", as encoding/json leaves a
// string field unchanged).
func String(value []byte) (string, error) {
	if IsNull(value) {
		return "", nil
	}
	p := parser{data: value}
	s, err := p.str()
	if err == nil && p.i != len(value) {
		err = p.fail("the end of the string")
	}
	return s, err
}

// Bool decodes a JSON boolean (null gives false, as encoding/json leaves a
// bool field unchanged).
func Bool(value []byte) (bool, error) {
	switch string(value) {
	case "true":
		return true, nil
	case "false", "null":
		return false, nil
	}
	return false, errors.New("jsonwire: want a boolean")
}

// Int decodes a JSON number into an integer of bitSize bits as
// encoding/json does for an int field: an integer literal (no fraction or
// exponent) in range; null gives 0, as encoding/json leaves the field
// unchanged. value must be a JSON value, as Object hands it over.
func Int(value []byte, bitSize int) (int64, error) {
	if IsNull(value) {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(value), 10, bitSize)
	if err != nil {
		return 0, errors.New("jsonwire: want an integer in range")
	}
	return n, nil
}

// Bytes decodes a []byte as encoding/json does: standard base64 in a
// string (null gives nil).
func Bytes(value []byte) ([]byte, error) {
	if IsNull(value) {
		return nil, nil
	}
	s, err := String(value)
	if err != nil {
		return nil, err
	}
	b, err := decodeBase64(s)
	if err != nil {
		return nil, fmt.Errorf("jsonwire: %w", err)
	}
	return b, nil
}

// BytesList decodes a [][]byte as encoding/json does (null gives nil).
func BytesList(value []byte) ([][]byte, error) {
	if IsNull(value) {
		return nil, nil
	}
	p := parser{data: value}
	if p.i >= len(value) || value[p.i] != '[' {
		return nil, p.fail("an array")
	}
	out := [][]byte{}
	err := p.elements(0, func(v []byte) error {
		b, err := Bytes(v)
		out = append(out, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, p.end()
}

// maxDepth bounds nesting. The objects this package reads nest two or
// three deep; encoding/json's bound (10000) would let a peer's request
// grow a daemon worker's stack by megabytes, kept between requests.
const maxDepth = 64

type parser struct {
	data []byte
	i    int
}

func (p *parser) fail(want string) error {
	if p.i >= len(p.data) {
		return fmt.Errorf("jsonwire: want %s, got the end of the input: %w", want, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("jsonwire: want %s at offset %d, got %q", want, p.i, p.data[p.i])
}

func (p *parser) end() error {
	p.space()
	if p.i != len(p.data) {
		return p.fail("the end of the value")
	}
	return nil
}

func (p *parser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) consume(c byte) bool {
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) literal(s string) bool {
	if strings.HasPrefix(string(p.data[p.i:]), s) {
		p.i += len(s)
		return true
	}
	return false
}

// members reads the object whose '{' is at p.i, whose member values
// nest depth deep, calling member (when not nil) with each name and raw
// value in order.
func (p *parser) members(depth int, member func(name string, value []byte) error) error {
	p.i++
	p.space()
	if p.consume('}') {
		return nil
	}
	for {
		p.space()
		name, err := p.str()
		if err != nil {
			return err
		}
		p.space()
		if !p.consume(':') {
			return p.fail("':'")
		}
		p.space()
		start := p.i
		if err := p.value(depth); err != nil {
			return err
		}
		if member != nil {
			if err := member(name, p.data[start:p.i]); err != nil {
				return err
			}
		}
		p.space()
		if p.consume(',') {
			continue
		}
		if p.consume('}') {
			return nil
		}
		return p.fail("',' or '}'")
	}
}

// elements reads the array whose '[' is at p.i, whose elements nest depth
// deep, calling element (when not nil) with each raw element in order.
func (p *parser) elements(depth int, element func(value []byte) error) error {
	p.i++
	p.space()
	if p.consume(']') {
		return nil
	}
	for {
		p.space()
		start := p.i
		if err := p.value(depth); err != nil {
			return err
		}
		if element != nil {
			if err := element(p.data[start:p.i]); err != nil {
				return err
			}
		}
		p.space()
		if p.consume(',') {
			continue
		}
		if p.consume(']') {
			return nil
		}
		return p.fail("',' or ']'")
	}
}

// value skips one JSON value, checking its syntax.
func (p *parser) value(depth int) error {
	if depth > maxDepth {
		return errors.New("jsonwire: nested too deeply")
	}
	if p.i >= len(p.data) {
		return p.fail("a value")
	}
	switch c := p.data[p.i]; {
	case c == '"':
		_, err := p.str()
		return err
	case c == '{':
		return p.members(depth+1, nil)
	case c == '[':
		return p.elements(depth+1, nil)
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case p.literal("true"), p.literal("false"), p.literal("null"):
		return nil
	}
	return p.fail("a value")
}

// number skips a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() error {
	p.consume('-')
	switch {
	case p.consume('0'):
	case p.i < len(p.data) && '1' <= p.data[p.i] && p.data[p.i] <= '9':
		p.digits()
	default:
		return p.fail("a digit")
	}
	if p.consume('.') {
		if p.digits() == 0 {
			return p.fail("a digit")
		}
	}
	if p.consume('e') || p.consume('E') {
		if !p.consume('+') {
			p.consume('-')
		}
		if p.digits() == 0 {
			return p.fail("a digit")
		}
	}
	return nil
}

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.data) && '0' <= p.data[p.i] && p.data[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

// str decodes a JSON string at p.i. Raw control characters are an error
// (as for encoding/json); so are invalid UTF-8 and a lone surrogate escape,
// which encoding/json would replace with U+FFFD and never writes.
func (p *parser) str() (string, error) {
	if !p.consume('"') {
		return "", p.fail("a string")
	}
	start := p.i
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c == '"' {
			s := string(p.data[start:p.i])
			p.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		p.i++
	}
	b := []byte(string(p.data[start:p.i]))
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.fail("a character of a string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", fmt.Errorf("jsonwire: invalid UTF-8 at offset %d", p.i)
			}
			b = append(b, p.data[p.i:p.i+size]...)
			p.i += size
		case c != '\\':
			b = append(b, c)
			p.i++
		default:
			p.i++
			if p.i >= len(p.data) {
				return "", p.fail("an escape")
			}
			e := p.data[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.fail("4 hexadecimal digits")
				}
				if 0xD800 <= r && r < 0xDC00 {
					if !p.literal(`\u`) {
						return "", p.fail("the second half of a surrogate pair")
					}
					r2, ok := p.hex4()
					if !ok || r2 < 0xDC00 || r2 >= 0xE000 {
						return "", p.fail("the second half of a surrogate pair")
					}
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
				} else if 0xDC00 <= r && r < 0xE000 {
					return "", p.fail("a rune, not a lone surrogate")
				}
				b = utf8.AppendRune(b, r)
			default:
				p.i--
				return "", p.fail("an escape")
			}
		}
	}
	return "", p.fail(`'"'`)
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}
