package dbus

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
)

// maxMessage is the largest message we send or accept: 16 MiB. The
// specification allows 128 MiB, but the largest reply a credential helper
// needs is GetSecrets over every item it lists, and 16 MiB holds 256
// secrets at the keychain store's own 64 KiB limit (real tokens are a few
// hundred bytes). Smaller keeps what a broken or hostile bus can make us
// allocate small: the message buffer, plus at most maxValues values.
const maxMessage = 16 << 20

// Message types.
const (
	typeMethodCall   = 1
	typeMethodReturn = 2
	typeError        = 3
	typeSignal       = 4
)

// Header field codes.
const (
	fieldPath        = 1
	fieldInterface   = 2
	fieldMember      = 3
	fieldErrorName   = 4
	fieldReplySerial = 5
	fieldDestination = 6
	fieldSender      = 7
	fieldSignature   = 8
)

// fixedHeader is the part of every message before the header fields'
// array contents: byte order, type, flags, version, body length, serial
// and the fields' array length.
const fixedHeader = 16

// message is a received message: its header and, once decoded, its body.
type message struct {
	typ         byte
	serial      uint32
	replySerial uint32
	errorName   string
	signature   string
	big         bool
	buf         []byte // the whole message
	bodyStart   int
}

// body decodes the message's body by its signature.
func (m *message) body() ([]any, error) {
	if m.signature == "" {
		if m.bodyStart != len(m.buf) {
			return nil, errors.New("dbus: message has a body but no signature")
		}
		return nil, nil
	}
	d := decoder{buf: m.buf, pos: m.bodyStart, big: m.big}
	vals, err := d.values(m.signature, 0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(m.buf) {
		return nil, fmt.Errorf("dbus: %d bytes after the body's values", len(m.buf)-d.pos)
	}
	return vals, nil
}

// encodeCall builds a method call message.
func encodeCall(serial uint32, dest string, path ObjectPath, iface, member string, args []any) ([]byte, error) {
	var body encoder
	sig := ""
	for _, a := range args {
		s, err := signatureOf(a)
		if err != nil {
			return nil, err
		}
		sig += s
		if err := body.value(a, 0); err != nil {
			return nil, err
		}
	}
	if len(sig) > maxSignature {
		return nil, fmt.Errorf("dbus: arguments' signature longer than %d bytes", maxSignature)
	}
	fields := Struct{}
	add := func(code byte, v any) { fields = append(fields, Struct{code, MakeVariant(v)}) }
	add(fieldPath, path)
	if iface != "" {
		add(fieldInterface, iface)
	}
	add(fieldMember, member)
	if dest != "" {
		add(fieldDestination, dest)
	}
	if sig != "" {
		add(fieldSignature, Signature(sig))
	}

	e := encoder{buf: make([]byte, 0, 128+len(body.buf))}
	e.buf = append(e.buf, 'l', typeMethodCall, 0, 1)
	e.u32(uint32(len(body.buf)))
	e.u32(serial)
	err := e.array(8, len(fields), func(i int) error { return e.value(fields[i], 1) })
	if err != nil {
		return nil, err
	}
	e.align(8)
	e.buf = append(e.buf, body.buf...)
	if len(e.buf) > maxMessage {
		return nil, fmt.Errorf("dbus: message of %d bytes is over the limit of %d", len(e.buf), maxMessage)
	}
	return e.buf, nil
}

// readMessage reads one message from r. The size is checked against
// maxMessage from the fixed header, before anything is allocated for it,
// and the buffer grows with the bytes that actually arrive: a header
// claiming 16 MiB followed by nothing costs little.
func readMessage(r *bufio.Reader) (*message, error) {
	var fixed [fixedHeader]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return nil, err
	}
	total, err := messageSize(fixed[:])
	if err != nil {
		return nil, err
	}
	buf := make([]byte, fixedHeader, min(total, 4096))
	copy(buf, fixed[:])
	for len(buf) < total {
		n := min(total-len(buf), max(len(buf), 4096)) // at most doubles
		buf = slices.Grow(buf, n)
		if _, err := io.ReadFull(r, buf[len(buf):len(buf)+n]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		buf = buf[:len(buf)+n]
	}
	return decodeMessage(buf)
}

// messageSize gives the whole message's length from its fixed header.
func messageSize(fixed []byte) (int, error) {
	if len(fixed) < fixedHeader {
		return 0, errTruncated
	}
	d := decoder{buf: fixed[:fixedHeader], pos: 4}
	switch fixed[0] {
	case 'l':
	case 'B':
		d.big = true
	default:
		return 0, fmt.Errorf("dbus: bad byte-order mark %q", fixed[0])
	}
	if fixed[3] != 1 {
		return 0, fmt.Errorf("dbus: unsupported protocol version %d", fixed[3])
	}
	bodyLen, _ := d.u32()
	d.pos = 12
	fieldsLen, _ := d.u32()
	total := int64(fixedHeader) + int64(fieldsLen)
	total = (total+7)/8*8 + int64(bodyLen)
	if total > maxMessage {
		return 0, fmt.Errorf("dbus: message of %d bytes is over the limit of %d", total, maxMessage)
	}
	return int(total), nil
}

// decodeMessage parses a whole message: its header fields, checked, and
// where its body starts. The body is decoded later, only for the reply
// a caller waits for.
func decodeMessage(buf []byte) (*message, error) {
	total, err := messageSize(buf)
	if err != nil {
		return nil, err
	}
	if total != len(buf) {
		return nil, fmt.Errorf("dbus: message of %d bytes declares %d", len(buf), total)
	}
	m := &message{typ: buf[1], big: buf[0] == 'B', buf: buf}
	d := decoder{buf: buf, pos: 8, big: m.big}
	if m.serial, _ = d.u32(); m.serial == 0 {
		return nil, errors.New("dbus: message with serial 0")
	}
	fields, err := d.value("a(yv)", 0)
	if err != nil {
		return nil, fmt.Errorf("dbus: header fields: %w", err)
	}
	if err := d.align(8); err != nil {
		return nil, err
	}
	m.bodyStart = d.pos
	for _, f := range fields.([]any) {
		s := f.(Struct) // "(yv)" decodes to a byte and a Variant
		code, v := s[0].(byte), s[1].(Variant)
		var ok bool
		switch code {
		case fieldReplySerial:
			m.replySerial, ok = v.Value.(uint32)
		case fieldErrorName:
			m.errorName, ok = v.Value.(string)
		case fieldSignature:
			var sig Signature
			sig, ok = v.Value.(Signature)
			m.signature = string(sig)
		case fieldPath:
			_, ok = v.Value.(ObjectPath)
		case fieldInterface, fieldMember, fieldDestination, fieldSender:
			_, ok = v.Value.(string)
		default:
			ok = true // unknown fields are ignored, as the specification says
		}
		if !ok {
			return nil, fmt.Errorf("dbus: header field %d has type %s", code, v.Sig)
		}
	}
	switch m.typ {
	case typeMethodReturn, typeError:
		if m.replySerial == 0 {
			return nil, errors.New("dbus: reply without a reply serial")
		}
		if m.typ == typeError && m.errorName == "" {
			return nil, errors.New("dbus: error reply without an error name")
		}
	}
	return m, nil
}
