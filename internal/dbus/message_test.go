package dbus

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// field is one header field for buildMessage.
func field(code byte, v any) Struct { return Struct{code, MakeVariant(v)} }

// buildMessage writes a little-endian message of any type, as a bus would.
func buildMessage(t testing.TB, typ byte, serial uint32, fields []Struct, body ...any) []byte {
	t.Helper()
	var b encoder
	sig := ""
	for _, v := range body {
		s, err := signatureOf(v)
		if err != nil {
			t.Fatal(err)
		}
		sig += s
		if err := b.value(v, 0); err != nil {
			t.Fatal(err)
		}
	}
	if sig != "" {
		fields = append(fields, field(fieldSignature, Signature(sig)))
	}
	e := encoder{buf: []byte{'l', typ, 0, 1}}
	e.u32(uint32(len(b.buf)))
	e.u32(serial)
	if err := e.array(8, len(fields), func(i int) error { return e.value(fields[i], 1) }); err != nil {
		t.Fatal(err)
	}
	e.align(8)
	return append(e.buf, b.buf...)
}

func TestEncodeCall(t *testing.T) {
	msg, err := encodeCall(7, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "SearchItems",
		[]any{map[string]string{"server": "example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(msg[:4], []byte{'l', typeMethodCall, 0, 1}) {
		t.Fatalf("fixed header %x", msg[:4])
	}
	m, err := decodeMessage(msg)
	if err != nil {
		t.Fatal(err)
	}
	if m.typ != typeMethodCall || m.serial != 7 || m.signature != "a{ss}" || m.bodyStart%8 != 0 {
		t.Fatalf("decoded %+v", m)
	}
	// The header fields, in order, as a bus reads them.
	d := decoder{buf: msg, pos: 12}
	fields, err := d.value("a(yv)", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{
		Struct{byte(fieldPath), Variant{"o", ObjectPath("/org/freedesktop/secrets")}},
		Struct{byte(fieldInterface), Variant{"s", "org.freedesktop.Secret.Service"}},
		Struct{byte(fieldMember), Variant{"s", "SearchItems"}},
		Struct{byte(fieldDestination), Variant{"s", "org.freedesktop.secrets"}},
		Struct{byte(fieldSignature), Variant{"g", Signature("a{ss}")}},
	}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("header fields %#v\nwant %#v", fields, want)
	}
	body, err := m.body()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(body, []any{Dict{{"server", "example.com"}}}) {
		t.Fatalf("body %#v", body)
	}

	// No arguments: no SIGNATURE field, an empty body.
	msg, err = encodeCall(1, "", "/", "", "Ping", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := decodeMessage(msg); err != nil || m.signature != "" || m.bodyStart != len(msg) {
		t.Fatalf("decoded %+v, %v", m, err)
	}
	if _, err := encodeCall(1, "", "not a path", "", "Ping", nil); err == nil {
		t.Fatal("a bad object path was encoded")
	}
}

func TestDecodeMessage(t *testing.T) {
	reply := func(fields ...Struct) []byte {
		return buildMessage(t, typeMethodReturn, 2, fields, "ok")
	}
	bigEndian := buildMessage(t, typeMethodReturn, 2, []Struct{field(fieldReplySerial, uint32(1))})
	bigEndian[0] = 'B'
	bigEndian[8], bigEndian[9], bigEndian[10], bigEndian[11] = 0, 0, 0, 2 // serial
	bigEndian[12], bigEndian[13], bigEndian[14], bigEndian[15] = 0, 0, 0, bigEndian[12]
	bigEndian[16+4], bigEndian[16+5], bigEndian[16+6], bigEndian[16+7] = 0, 0, 0, 1 // reply serial value
	for _, tc := range []struct {
		name    string
		msg     []byte
		wantErr string
	}{
		{"reply", reply(field(fieldReplySerial, uint32(1)), field(fieldSender, ":1.0")), ""},
		{"unknown header field ignored", reply(field(fieldReplySerial, uint32(1)), field(99, "x")), ""},
		{"big-endian", bigEndian, ""},
		{"reply without reply serial", reply(), "without a reply serial"},
		{"error without a name", buildMessage(t, typeError, 2, []Struct{field(fieldReplySerial, uint32(1))}), "without an error name"},
		{"reply serial of the wrong type", reply(field(fieldReplySerial, "1")), "header field 5 has type s"},
		{"serial 0", buildMessage(t, typeSignal, 0, nil), "serial 0"},
		{"bad byte order", append([]byte{'x'}, reply(field(fieldReplySerial, uint32(1)))[1:]...), "byte-order mark"},
		{"version 2", append([]byte{'l', 2, 0, 2}, reply(field(fieldReplySerial, uint32(1)))[4:]...), "protocol version 2"},
		{"extra bytes", append(reply(field(fieldReplySerial, uint32(1))), 0), "declares"},
		{"too short", []byte{'l', 2, 0}, "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := decodeMessage(tc.msg)
			if err == nil {
				_, err = m.body()
			}
			if tc.wantErr == "" {
				if err != nil || m.replySerial != 1 || m.serial != 2 {
					t.Fatalf("decoded %+v, %v", m, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestDecodeBody(t *testing.T) {
	ok := buildMessage(t, typeMethodReturn, 2, []Struct{field(fieldReplySerial, uint32(1))}, ObjectPath("/a"), []ObjectPath{})
	m, err := decodeMessage(ok)
	if err != nil {
		t.Fatal(err)
	}
	body, err := m.body()
	if err != nil || !reflect.DeepEqual(body, []any{ObjectPath("/a"), []any{}}) {
		t.Fatalf("body %#v, %v", body, err)
	}
	// A body whose signature says less than it holds.
	short := buildMessage(t, typeMethodReturn, 2, []Struct{field(fieldReplySerial, uint32(1)), field(fieldSignature, Signature("y"))})
	short = append(short, 1, 2)
	short[4] = 2 // body length
	if m, err := decodeMessage(short); err != nil {
		t.Fatal(err)
	} else if _, err := m.body(); err == nil || !strings.Contains(err.Error(), "1 bytes after the body") {
		t.Fatalf("error %v", err)
	}
	// A body with no signature.
	nosig := buildMessage(t, typeMethodReturn, 2, []Struct{field(fieldReplySerial, uint32(1))})
	nosig = append(nosig, 1)
	nosig[4] = 1
	if m, err := decodeMessage(nosig); err != nil {
		t.Fatal(err)
	} else if _, err := m.body(); err == nil || !strings.Contains(err.Error(), "no signature") {
		t.Fatalf("error %v", err)
	}
}

func TestReadMessageLimits(t *testing.T) {
	header := func(bodyLen, fieldsLen uint32) []byte {
		return cat([]byte{'l', typeSignal, 0, 1}, le32(bodyLen), le32(1), le32(fieldsLen))
	}
	for _, tc := range []struct {
		name    string
		stream  []byte
		wantErr error
		msg     string
	}{
		{"over 16 MiB refused from the header", header(maxMessage, 0), nil, "over the limit"},
		{"4 GiB refused", header(0xffffffff, 0xffffffff), nil, "over the limit"},
		{"claimed 16 MiB, stream ends", header(maxMessage-32, 0), io.ErrUnexpectedEOF, ""},
		{"header cut short", header(0, 0)[:9], io.ErrUnexpectedEOF, ""},
		{"nothing", nil, io.EOF, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readMessage(bufio.NewReader(bytes.NewReader(tc.stream)))
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %v containing %q", err, tc.wantErr, tc.msg)
			}
		})
	}
	// Two messages back to back are read one at a time.
	one := buildMessage(t, typeSignal, 1, nil, "a")
	two := buildMessage(t, typeMethodReturn, 2, []Struct{field(fieldReplySerial, uint32(5))})
	r := bufio.NewReader(bytes.NewReader(append(one, two...)))
	for _, want := range []uint32{1, 2} {
		m, err := readMessage(r)
		if err != nil || m.serial != want {
			t.Fatalf("read %+v, %v; want serial %d", m, err, want)
		}
	}
}
