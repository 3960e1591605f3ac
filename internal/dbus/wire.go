package dbus

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// The D-Bus wire format: values aligned to their size from the start of
// the message, in the byte order the message's first byte names. We write
// little-endian and read both.

// Limits from the D-Bus specification.
const (
	maxSignature   = 255     // bytes in a signature
	maxArrayDepth  = 32      // arrays nested in one signature
	maxStructDepth = 32      // structs (and dict entries) nested in one signature
	maxDepth       = 64      // containers nested in a message, variants included
	maxArrayBytes  = 1 << 26 // 64 MiB, the largest array
)

// maxValues caps how many values one message may decode into. Each costs
// an interface slot plus its box (tens of bytes), so without a cap a
// 16 MiB body of three-byte variants would cost hundreds of MiB; 1<<18
// is more than a keyring of tens of thousands of items needs.
const maxValues = 1 << 18

var errTruncated = errors.New("dbus: message truncated")

// alignOf gives the alignment of the type starting with code c.
func alignOf(c byte) int {
	switch c {
	case 'y', 'g', 'v':
		return 1
	case 'n', 'q':
		return 2
	case 'x', 't', 'd', '(', '{':
		return 8
	}
	return 4 // b i u h s o a
}

func isBasic(c byte) bool {
	switch c {
	case 'y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 'h', 's', 'o', 'g':
		return true
	}
	return false
}

// splitSignature splits a signature into its complete types, checking it
// against the specification's rules and limits.
func splitSignature(sig string) ([]string, error) {
	if len(sig) > maxSignature {
		return nil, fmt.Errorf("dbus: signature longer than %d bytes", maxSignature)
	}
	var types []string
	for rest := sig; rest != ""; {
		n, err := completeType(rest, 0, 0)
		if err != nil {
			return nil, fmt.Errorf("dbus: bad signature %q: %w", sig, err)
		}
		types = append(types, rest[:n])
		rest = rest[n:]
	}
	return types, nil
}

// completeType returns the length of the single complete type s starts
// with; arrays and structs count the containers it sits in.
func completeType(s string, arrays, structs int) (int, error) {
	if s == "" {
		return 0, errors.New("missing element type")
	}
	switch c := s[0]; {
	case isBasic(c), c == 'v':
		return 1, nil
	case c == 'a':
		if arrays >= maxArrayDepth {
			return 0, fmt.Errorf("arrays nested deeper than %d", maxArrayDepth)
		}
		if len(s) > 1 && s[1] == '{' {
			if structs >= maxStructDepth {
				return 0, fmt.Errorf("structs nested deeper than %d", maxStructDepth)
			}
			if len(s) < 3 || !isBasic(s[2]) {
				return 0, errors.New("dictionary key is not a basic type")
			}
			n, err := completeType(s[3:], arrays+1, structs+1)
			if err != nil {
				return 0, err
			}
			if end := 3 + n; end < len(s) && s[end] == '}' {
				return end + 1, nil
			}
			return 0, errors.New("dictionary entry without its closing '}'")
		}
		n, err := completeType(s[1:], arrays+1, structs)
		return 1 + n, err
	case c == '(':
		if structs >= maxStructDepth {
			return 0, fmt.Errorf("structs nested deeper than %d", maxStructDepth)
		}
		i := 1
		for i < len(s) && s[i] != ')' {
			n, err := completeType(s[i:], arrays, structs+1)
			if err != nil {
				return 0, err
			}
			i += n
		}
		if i == len(s) {
			return 0, errors.New("struct without its closing ')'")
		}
		if i == 1 {
			return 0, errors.New("empty struct")
		}
		return i + 1, nil
	default:
		return 0, fmt.Errorf("unknown type code %q", c)
	}
}

// encoder appends values to buf; offsets count from the message start.
type encoder struct {
	buf []byte
}

func (e *encoder) align(n int) {
	for len(e.buf)%n != 0 {
		e.buf = append(e.buf, 0)
	}
}

func (e *encoder) u32(v uint32) {
	e.align(4)
	e.buf = append(e.buf, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func (e *encoder) u64(v uint64) {
	e.align(8)
	e.u32(uint32(v))
	e.u32(uint32(v >> 32))
}

func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, 0)
}

func (e *encoder) sig(s string) {
	e.buf = append(e.buf, byte(len(s)))
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, 0)
}

// array writes an array of n elements aligned to elemAlign, each written
// by elem.
func (e *encoder) array(elemAlign, n int, elem func(i int) error) error {
	e.u32(0)
	lenAt := len(e.buf) - 4
	e.align(elemAlign)
	start := len(e.buf)
	for i := 0; i < n; i++ {
		if err := elem(i); err != nil {
			return err
		}
	}
	size := len(e.buf) - start
	if size > maxArrayBytes {
		return fmt.Errorf("dbus: array of %d bytes is over the limit of %d", size, maxArrayBytes)
	}
	e.buf[lenAt], e.buf[lenAt+1], e.buf[lenAt+2], e.buf[lenAt+3] = byte(size), byte(size>>8), byte(size>>16), byte(size>>24)
	return nil
}

// value encodes one Go value of the model (see value.go); depth counts
// the containers it sits in.
func (e *encoder) value(v any, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("dbus: values nested deeper than %d", maxDepth)
	}
	switch v := v.(type) {
	case byte:
		e.buf = append(e.buf, v)
	case bool:
		b := uint32(0)
		if v {
			b = 1
		}
		e.u32(b)
	case int32:
		e.u32(uint32(v))
	case uint32:
		e.u32(v)
	case int64:
		e.u64(uint64(v))
	case uint64:
		e.u64(v)
	case string:
		if err := checkString(v); err != nil {
			return err
		}
		e.str(v)
	case ObjectPath:
		if !validPath(string(v)) {
			return fmt.Errorf("dbus: invalid object path %q", v)
		}
		e.str(string(v))
	case Signature:
		if _, err := splitSignature(string(v)); err != nil {
			return err
		}
		e.sig(string(v))
	case Variant:
		types, err := splitSignature(string(v.Sig))
		if err != nil {
			return err
		}
		if len(types) != 1 {
			return fmt.Errorf("dbus: variant signature %q is not one complete type", v.Sig)
		}
		if got, err := signatureOf(v.Value); err != nil || got != string(v.Sig) {
			return fmt.Errorf("dbus: variant of signature %q holds a %T", v.Sig, v.Value)
		}
		e.sig(string(v.Sig))
		return e.value(v.Value, depth+1)
	case []byte:
		return e.array(1, len(v), func(i int) error { e.buf = append(e.buf, v[i]); return nil })
	case []string:
		return e.array(4, len(v), func(i int) error { return e.value(v[i], depth+1) })
	case []ObjectPath:
		return e.array(4, len(v), func(i int) error { return e.value(v[i], depth+1) })
	case map[string]string:
		keys := sortedKeys(v)
		return e.array(8, len(keys), func(i int) error { return e.entry(keys[i], v[keys[i]], depth+1) })
	case map[string]Variant:
		keys := sortedKeys(v)
		return e.array(8, len(keys), func(i int) error { return e.entry(keys[i], v[keys[i]], depth+1) })
	case Struct:
		if len(v) == 0 {
			return errors.New("dbus: cannot encode an empty struct")
		}
		e.align(8)
		for _, f := range v {
			if err := e.value(f, depth+1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("dbus: cannot encode a value of Go type %T", v)
	}
	return nil
}

func (e *encoder) entry(k string, v any, depth int) error {
	e.align(8)
	if err := e.value(k, depth+1); err != nil {
		return err
	}
	return e.value(v, depth+1)
}

// checkString refuses what the wire cannot carry in a string.
func checkString(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("dbus: string is not valid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return errors.New("dbus: string contains a NUL byte")
		}
	}
	return nil
}

// validPath reports whether p is an object path: "/" or "/"-separated
// non-empty elements of [A-Za-z0-9_].
func validPath(p string) bool {
	if p == "/" {
		return true
	}
	if p == "" || p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if p[i-1] == '/' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
	}
	return true
}

// decoder reads values from buf; offsets count from the message start,
// which is what alignment is relative to.
type decoder struct {
	buf   []byte
	pos   int
	big   bool // big-endian message
	count int  // values decoded so far, against maxValues
}

func (d *decoder) align(n int) error {
	p := (d.pos + n - 1) / n * n
	if p > len(d.buf) {
		return errTruncated
	}
	for _, b := range d.buf[d.pos:p] {
		if b != 0 {
			return errors.New("dbus: non-zero alignment padding")
		}
	}
	d.pos = p
	return nil
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.buf)-d.pos {
		return nil, errTruncated
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

func (d *decoder) u16() (uint16, error) {
	if err := d.align(2); err != nil {
		return 0, err
	}
	b, err := d.take(2)
	if err != nil {
		return 0, err
	}
	if d.big {
		return uint16(b[0])<<8 | uint16(b[1]), nil
	}
	return uint16(b[1])<<8 | uint16(b[0]), nil
}

func (d *decoder) u32() (uint32, error) {
	if err := d.align(4); err != nil {
		return 0, err
	}
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	if d.big {
		return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), nil
	}
	return uint32(b[3])<<24 | uint32(b[2])<<16 | uint32(b[1])<<8 | uint32(b[0]), nil
}

func (d *decoder) u64() (uint64, error) {
	if err := d.align(8); err != nil {
		return 0, err
	}
	a, err := d.u32()
	if err != nil {
		return 0, err
	}
	b, err := d.u32()
	if err != nil {
		return 0, err
	}
	if d.big {
		return uint64(a)<<32 | uint64(b), nil
	}
	return uint64(b)<<32 | uint64(a), nil
}

// str reads a string body of n bytes and its NUL terminator.
func (d *decoder) strBody(n int) (string, error) {
	b, err := d.take(n + 1)
	if err != nil {
		return "", err
	}
	if b[n] != 0 {
		return "", errors.New("dbus: string without its NUL terminator")
	}
	s := string(b[:n])
	if err := checkString(s); err != nil {
		return "", err
	}
	return s, nil
}

func (d *decoder) str() (string, error) {
	n, err := d.u32()
	if err != nil {
		return "", err
	}
	if int64(n) > int64(len(d.buf)-d.pos) {
		return "", errTruncated
	}
	return d.strBody(int(n))
}

func (d *decoder) sig() (string, error) {
	b, err := d.take(1)
	if err != nil {
		return "", err
	}
	s, err := d.strBody(int(b[0]))
	if err != nil {
		return "", err
	}
	if _, err := splitSignature(s); err != nil {
		return "", err
	}
	return s, nil
}

// values decodes one value per complete type of sig.
func (d *decoder) values(sig string, depth int) ([]any, error) {
	types, err := splitSignature(sig)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(types))
	for _, t := range types {
		v, err := d.value(t, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// value decodes one value of the complete type t (already validated);
// depth counts the containers it sits in.
func (d *decoder) value(t string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("dbus: values nested deeper than %d", maxDepth)
	}
	if d.count++; d.count > maxValues {
		return nil, fmt.Errorf("dbus: message holds more than %d values", maxValues)
	}
	switch t[0] {
	case 'y':
		b, err := d.take(1)
		if err != nil {
			return nil, err
		}
		return b[0], nil
	case 'b':
		v, err := d.u32()
		if err != nil {
			return nil, err
		}
		if v > 1 {
			return nil, fmt.Errorf("dbus: boolean value %d", v)
		}
		return v == 1, nil
	case 'n':
		v, err := d.u16()
		return int16(v), err
	case 'q':
		return d.u16()
	case 'i':
		v, err := d.u32()
		return int32(v), err
	case 'u', 'h':
		return d.u32()
	case 'x':
		v, err := d.u64()
		return int64(v), err
	case 't':
		return d.u64()
	case 'd':
		v, err := d.u64()
		return math.Float64frombits(v), err
	case 's':
		return d.str()
	case 'o':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		if !validPath(s) {
			return nil, fmt.Errorf("dbus: invalid object path %q", s)
		}
		return ObjectPath(s), nil
	case 'g':
		s, err := d.sig()
		return Signature(s), err
	case 'v':
		s, err := d.sig()
		if err != nil {
			return nil, err
		}
		if n, err := completeType(s, 0, 0); err != nil || n != len(s) {
			return nil, fmt.Errorf("dbus: variant signature %q is not one complete type", s)
		}
		v, err := d.value(s, depth+1)
		if err != nil {
			return nil, err
		}
		return Variant{Sig: Signature(s), Value: v}, nil
	case '(':
		if err := d.align(8); err != nil {
			return nil, err
		}
		var fields Struct
		for rest := t[1 : len(t)-1]; rest != ""; {
			n, _ := completeType(rest, 0, 0) // t was validated
			v, err := d.value(rest[:n], depth+1)
			if err != nil {
				return nil, err
			}
			fields = append(fields, v)
			rest = rest[n:]
		}
		return fields, nil
	case 'a':
		return d.array(t[1:], depth)
	}
	return nil, fmt.Errorf("dbus: unknown type code %q", t[0])
}

// array decodes an array whose element type is elem.
func (d *decoder) array(elem string, depth int) (any, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	if n > maxArrayBytes {
		return nil, fmt.Errorf("dbus: array of %d bytes is over the limit of %d", n, maxArrayBytes)
	}
	if err := d.align(alignOf(elem[0])); err != nil {
		return nil, err
	}
	if int64(n) > int64(len(d.buf)-d.pos) {
		return nil, errTruncated
	}
	end := d.pos + int(n)
	if elem == "y" {
		b, _ := d.take(int(n))
		return append([]byte{}, b...), nil
	}
	// Elements go through a decoder limited to the array's bytes, so one
	// cannot run past the length the array declared.
	sub := decoder{buf: d.buf[:end], pos: d.pos, big: d.big, count: d.count}
	var items []any
	var dict Dict
	for sub.pos < end {
		if elem[0] == '{' {
			if err := sub.align(8); err != nil {
				return nil, err
			}
			kn, _ := completeType(elem[1:], 0, 0)
			k, err := sub.value(elem[1:1+kn], depth+2)
			if err != nil {
				return nil, err
			}
			v, err := sub.value(elem[1+kn:len(elem)-1], depth+2)
			if err != nil {
				return nil, err
			}
			dict = append(dict, DictEntry{Key: k, Value: v})
			continue
		}
		v, err := sub.value(elem, depth+1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	d.pos, d.count = sub.pos, sub.count
	if elem[0] == '{' {
		return dict, nil
	}
	if items == nil {
		items = []any{}
	}
	return items, nil
}
