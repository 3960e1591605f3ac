package dbus

import (
	"reflect"
	"strings"
	"testing"
)

func TestSocketPaths(t *testing.T) {
	for _, tc := range []struct {
		address string
		want    []string
		wantErr string
	}{
		{"unix:path=/run/user/1000/bus", []string{"/run/user/1000/bus"}, ""},
		{"unix:path=/tmp/a%20b%2cc,guid=0123abcd", []string{"/tmp/a b,c"}, ""},
		{"unix:abstract=/tmp/dbus-xyz,guid=1", []string{"@/tmp/dbus-xyz"}, ""},
		{"unix:guid=1,path=/x", []string{"/x"}, ""},
		{"unix:path=/x,futurekey=1", []string{"/x"}, ""},
		{"tcp:host=localhost,port=1;unix:path=/a;unix:abstract=b;", []string{"/a", "@b"}, ""},
		{"unix:path=/%2F%2f", []string{"///"}, ""},
		{"", nil, `empty bus address ""`},
		{"tcp:host=localhost,port=1234", nil, `cannot connect to bus address "tcp:host=localhost,port=1234": tcp: not supported; only unix:path= and unix:abstract= addresses are supported`},
		{"unix:dir=/tmp", nil, "dir=, tmpdir= and runtime= are for listening"},
		{"unix:tmpdir=/tmp;launchd:env=X", nil, "launchd: not supported"},
		{"unix:path=", nil, "without path= or abstract="},
		{"unix:path=/a,abstract=b", nil, "both path= and abstract="},
		{"unix:path=/a,path=/b", nil, "path= given twice"},
		{"/run/user/1000/bus", nil, "has no transport"},
		{"unix:path", nil, `"path" is not key=value`},
		{"unix:path=/a%2", nil, "incomplete %xx escape"},
		{"unix:path=/a%zz", nil, `bad %xx escape "%zz"`},
	} {
		got, err := socketPaths(tc.address)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("socketPaths(%q) error %v, want one containing %q", tc.address, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("socketPaths(%q) = %q, %v; want %q", tc.address, got, err, tc.want)
		}
	}
}

func TestEscapeValue(t *testing.T) {
	for _, s := range []string{"/run/user/1000/bus", "/tmp/a b,c;d=e%f", "\x00\xff", ""} {
		esc := EscapeValue(s)
		if strings.ContainsAny(esc, " ,;=") {
			t.Errorf("EscapeValue(%q) = %q keeps a separator", s, esc)
		}
		if got, err := socketPaths("unix:path=" + esc); s != "" && (err != nil || got[0] != s) {
			t.Errorf("EscapeValue(%q) = %q, which parses back as %q, %v", s, esc, got, err)
		}
	}
	if got := EscapeValue("/run/user/1000/bus"); got != "/run/user/1000/bus" {
		t.Errorf("EscapeValue escaped a plain path: %q", got)
	}
}

// A bus's error text is printed in one-line errors on a terminal: no
// control character may survive, C1 (8-bit CSI) and bad UTF-8 included.
func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"Object does not exist":    "Object does not exist",
		"line1\nline2\r\tx":        "line1 line2  x",
		"esc\x1b[31mred\x7f":       "esc [31mred ",
		"csi\u009b31mred\u0085nel": "csi 31mred nel",
		"bad\xff\xfeutf8":          "bad  utf8",
		"schlüssel ключ 鍵 — ok":    "schlüssel ключ 鍵 — ok",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
