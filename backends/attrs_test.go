package backends

import (
	"net/url"
	"testing"
)

// The attrs codec must read and write exactly what net/url's Values did
// before it replaced them: files written by earlier versions carry it.
func TestAttrsMatchNetURL(t *testing.T) {
	for _, s := range []string{
		"", "expiry=1700000000&pw=0a1b2c3d", "a=1&a=2", "k", "k=", "=v", "&&a=b&&",
		"refresh=a%2Bb+c%20d", "x=%zz", "x=%4", "x=%", "a=b;c=d", "a=%41%42%43",
		"authtype=Bearer&credential=tok%3D%3D&pw=00ff", "ref=1&pw=abcd", "%E2%82%AC=%E2%82%AC",
		"a=b=c", "+=+", "a=b&", "\x00=\xff",
	} {
		checkAttrsAgainstNetURL(t, s)
	}
	for _, v := range []map[string]string{
		{}, {"expiry": "1700000000", "pw": "0a1b2c3d"}, {"refresh": "a b+c/d?e&f=g%h"},
		{"credential": "\x00\n\xff€", "authtype": "Bearer"}, {"": ""}, {"z": "1", "a": "2", "m": "3"},
	} {
		want := url.Values{}
		for k, x := range v {
			want.Set(k, x)
		}
		if got := attrs(v).encode(); got != want.Encode() {
			t.Errorf("encode(%q) = %q, net/url: %q", v, got, want.Encode())
		}
	}
}

func checkAttrsAgainstNetURL(t *testing.T, s string) {
	t.Helper()
	got, ok := parseAttrs(s)
	want, err := url.ParseQuery(s)
	if ok != (err == nil) {
		t.Fatalf("parseAttrs(%q) ok=%v, url.ParseQuery error %v", s, ok, err)
	}
	if !ok {
		return
	}
	if len(got) != len(want) {
		t.Fatalf("parseAttrs(%q) = %q, url.ParseQuery %q", s, got, want)
	}
	for k := range want {
		if got[k] != want.Get(k) {
			t.Fatalf("parseAttrs(%q)[%q] = %q, url.ParseQuery %q", s, k, got[k], want.Get(k))
		}
	}
	// What parses re-encodes as net/url would.
	if enc, wantEnc := got.encode(), reencode(want); enc != wantEnc {
		t.Fatalf("re-encoding %q: %q, net/url %q", s, enc, wantEnc)
	}
}

func reencode(v url.Values) string {
	first := url.Values{}
	for k := range v {
		first.Set(k, v.Get(k))
	}
	return first.Encode()
}

func FuzzAttrsMatchNetURL(f *testing.F) {
	for _, s := range []string{"expiry=1&pw=ab", "a=%41+b", "x=%g1", "a;b", "&=&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAttrsAgainstNetURL(t, s)
	})
}
