package jsonwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// encodeJSON is what json.Encoder writes for v, without the newline.
func encodeJSON(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var strs = []string{
	"", "get", "a\"b\\c", "<script>&amp;</script>", "\b\f\n\r\t\x00\x01\x1f\x7f",
	"ünïcödé €", "\u2028\u2029", "\xff\xfe", "a\xc3", "😀", "\xed\xa0\x80", "/path/to/sock",
}

func TestAppendStringLikeEncodingJSON(t *testing.T) {
	for _, s := range strs {
		if got, want := string(AppendString(nil, s)), encodeJSON(t, s); got != want {
			t.Errorf("AppendString(%q) = %s, want %s (encoding/json)", s, got, want)
		}
	}
}

func TestAppendBytesLikeEncodingJSON(t *testing.T) {
	for _, b := range [][]byte{nil, {}, {0}, []byte("protocol=https\nhost=x\n"), bytes.Repeat([]byte{0xff}, 100)} {
		if got, want := string(AppendBytes(nil, b)), encodeJSON(t, b); got != want {
			t.Errorf("AppendBytes(%q) = %s, want %s (encoding/json)", b, got, want)
		}
	}
}

func TestStringLikeEncodingJSON(t *testing.T) {
	for _, s := range strs {
		enc := encodeJSON(t, s)
		got, err := String([]byte(enc))
		var want string
		if jerr := json.Unmarshal([]byte(enc), &want); jerr != nil {
			t.Fatal(jerr)
		}
		if err != nil || got != want {
			t.Errorf("String(%s) = %q, %v; want %q (encoding/json)", enc, got, err, want)
		}
	}
	for _, in := range []string{`"\u00e9\ud83d\ude00\/"`, `"\uD83D\uDE00"`, `null`} {
		got, err := String([]byte(in))
		var want string
		if jerr := json.Unmarshal([]byte(in), &want); jerr != nil {
			t.Fatal(jerr)
		}
		if err != nil || got != want {
			t.Errorf("String(%s) = %q, %v; want %q (encoding/json)", in, got, err, want)
		}
	}
}

func TestRefused(t *testing.T) {
	for _, in := range []string{
		``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":tru}`,
		`{"a":"\x01"}`, `{"a":"\q"}`, `{"a":"\u12"}`, `{"a":"\ud800"}`, `{"a":"\udc00"}`, "{\"a\":\"\xff\"}",
		`{"Status":"ok"}`, `{"status":"ok","status":"ok"}`, `{"a":[1,]}`, `{} x`, `[]`, `"s"`,
		`{"a":` + strings.Repeat("[", 66) + strings.Repeat("]", 66) + `}`,
	} {
		err := Object([]byte(in), []string{"status"}, func(string, []byte) error { return nil })
		if err == nil {
			t.Errorf("Object(%q) = nil, want an error", in)
		}
	}
}

func TestReadValue(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"", "", io.EOF},
		{" \n\t", "", io.EOF},
		{`{"a":"}"}` + "\n", `{"a":"}"}`, nil},
		{` {"a":["\"]",{}]} {"b":1}`, ` {"a":["\"]",{}]}`, nil},
		{`{"a":`, "", io.ErrUnexpectedEOF},
		{`null`, "", ErrNotObject},
		{` "get"`, "", ErrNotObject},
		{`5`, "", ErrNotObject},
		{`]`, "", ErrNotObject},
		{`{"a":1}}`, `{"a":1}`, nil}, // the value ends at its brace: the rest is not read as part of it
	}
	for _, tt := range tests {
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			got, err := ReadValue(r)
			if string(got) != tt.want || !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
				t.Errorf("ReadValue(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		}
	}
}

func BenchmarkAppendString(b *testing.B) {
	buf := make([]byte, 0, 256)
	for b.Loop() {
		buf = AppendString(buf[:0], "/run/user/1000/git-credential-pat/cache.sock <&>")
	}
}

// A peer's object of many tiny members (the cache daemon reads up to
// 8 MiB from any client of its user) costs one pass: members it does not
// know are not compared with each other. An earlier version compared each
// name with every one before it, which took hours for this input.
func TestObjectManyMembersOnePass(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"status":"ok"`)
	for i := range 1 << 20 {
		b.WriteString(`,"`)
		b.WriteString(strconv.Itoa(i % 1000)) // repeats, as unknown members may
		b.WriteString(`":0`)
	}
	b.WriteString(`}`)
	members := 0
	err := Object([]byte(b.String()), []string{"status"}, func(string, []byte) error { members++; return nil })
	if err != nil || members != 1<<20+1 {
		t.Fatalf("Object of %d bytes: %d members, %v", b.Len(), members, err)
	}
}

func BenchmarkObjectManyMembers(b *testing.B) {
	var s strings.Builder
	s.WriteString(`{"action":"get"`)
	for i := range 100000 {
		s.WriteString(`,"m` + strconv.Itoa(i) + `":0`)
	}
	s.WriteString(`}`)
	data := []byte(s.String())
	for b.Loop() {
		Object(data, []string{"action", "cred"}, func(string, []byte) error { return nil })
	}
}
