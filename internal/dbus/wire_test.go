package dbus

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// le32 is a little-endian uint32, for writing expected bytes.
func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch p := p.(type) {
		case []byte:
			b = append(b, p...)
		case string:
			b = append(b, p...)
		case int: // that many padding zeros
			b = append(b, make([]byte, p)...)
		}
	}
	return b
}

// TestMarshal encodes each value after pre bytes (so alignment is
// relative to the message start, not the value), checks the bytes, then
// decodes them back.
func TestMarshal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pre     int
		v       any
		sig     string
		want    []byte
		decoded any // what decoding gives back; nil: v itself
	}{
		{"byte", 1, byte(7), "y", cat(1, []byte{7}), nil},
		{"bool aligned to 4", 1, true, "b", cat(1, 3, le32(1)), nil},
		{"int32", 2, int32(-1), "i", cat(2, 2, le32(0xffffffff)), nil},
		{"uint32", 4, uint32(0x01020304), "u", cat(4, []byte{4, 3, 2, 1}), nil},
		{"int64 aligned to 8", 1, int64(-2), "x", cat(1, 7, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), nil},
		{"uint64", 0, uint64(1) << 40, "t", cat([]byte{0, 0, 0, 0, 0, 1, 0, 0}), nil},
		{"string", 1, "ab", "s", cat(1, 3, le32(2), "ab", 1), nil},
		{"empty string", 0, "", "s", cat(le32(0), 1), nil},
		{"object path", 1, ObjectPath("/a/b"), "o", cat(1, 3, le32(4), "/a/b", 1), nil},
		{"signature, unaligned", 1, Signature("a{sv}"), "g", cat(1, []byte{5}, "a{sv}", 1), nil},
		{"variant string", 1, MakeVariant("x"), "v", cat(1, []byte{1}, "s", 1, le32(1), "x", 1), nil},
		{"variant uint64 pads after its signature", 1, MakeVariant(uint64(9)), "v", cat(1, []byte{1}, "t", 1, 4, []byte{9}, 7), nil},
		{"ay", 1, []byte{1, 2}, "ay", cat(1, 3, le32(2), []byte{1, 2}), nil},
		{"empty ay", 0, []byte{}, "ay", cat(le32(0)), nil},
		{"as", 0, []string{"a", "bc"}, "as", cat(le32(15), le32(1), "a", 1, 2, le32(2), "bc", 1),
			[]any{"a", "bc"}},
		{"ao", 0, []ObjectPath{"/"}, "ao", cat(le32(6), le32(1), "/", 1), []any{ObjectPath("/")}},
		{"empty a{ss} still pads to 8, padding not counted", 0, map[string]string{}, "a{ss}", cat(le32(0), 4), Dict(nil)},
		{"a{ss} in key order", 0, map[string]string{"k": "v", "a": "b"}, "a{ss}",
			cat(le32(30), 4, le32(1), "a", 1, 2, le32(1), "b", 1, 2, le32(1), "k", 1, 2, le32(1), "v", 1),
			Dict{{"a", "b"}, {"k", "v"}}},
		{"a{sv}", 0, map[string]Variant{"a": MakeVariant(uint32(7))}, "a{sv}",
			cat(le32(16), 4, le32(1), "a", 1, []byte{1}, "u", 1, 3, le32(7)),
			Dict{{"a", Variant{"u", uint32(7)}}}},
		{"struct aligned to 8", 1, Struct{byte(1), uint64(2)}, "(yt)", cat(1, 7, []byte{1}, 7, []byte{2}, 7), nil},
		{"Secret struct (oayays)", 0, Struct{ObjectPath("/s"), []byte{}, []byte("pw"), "t"}, "(oayays)",
			cat(le32(2), "/s", 1, 1, le32(0), le32(2), "pw", 2, le32(1), "t", 1), nil},
		{"nested struct", 0, Struct{int32(1), Struct{byte(2)}}, "(i(y))", cat(le32(1), 4, []byte{2}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if sig, err := signatureOf(tc.v); err != nil || sig != tc.sig {
				t.Fatalf("signatureOf = %q, %v; want %q", sig, err, tc.sig)
			}
			e := encoder{buf: make([]byte, tc.pre)}
			if err := e.value(tc.v, 0); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(e.buf[tc.pre:], tc.want[tc.pre:]) || len(e.buf) != len(tc.want) {
				t.Fatalf("encoded\n%x\nwant\n%x", e.buf, tc.want)
			}
			d := decoder{buf: e.buf, pos: tc.pre}
			got, err := d.values(tc.sig, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.decoded
			if want == nil {
				want = tc.v
			}
			if !reflect.DeepEqual(got, []any{want}) || d.pos != len(e.buf) {
				t.Fatalf("decoded %#v (to %d of %d), want %#v", got, d.pos, len(e.buf), want)
			}
		})
	}
}

func TestDecodeBigEndian(t *testing.T) {
	buf := cat([]byte{0, 0, 0, 7}, []byte{0, 0, 0, 2}, "hi", 1, 5, []byte{0, 0, 0, 0, 0, 0, 1, 0})
	d := decoder{buf: buf, big: true}
	got, err := d.values("ust", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{uint32(7), "hi", uint64(256)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}

func TestSignature(t *testing.T) {
	for _, tc := range []struct {
		sig     string
		types   []string
		wantErr string
	}{
		{"", nil, ""},
		{"sv", []string{"s", "v"}, ""},
		{"a{o(oayays)}b", []string{"a{o(oayays)}", "b"}, ""},
		{"aa{sv}(i(ii))", []string{"aa{sv}", "(i(ii))"}, ""},
		{strings.Repeat("a", 32) + "y", []string{strings.Repeat("a", 32) + "y"}, ""},
		{strings.Repeat("(", 32) + "y" + strings.Repeat(")", 32), []string{strings.Repeat("(", 32) + "y" + strings.Repeat(")", 32)}, ""},
		{strings.Repeat("a", 33) + "y", nil, "arrays nested deeper than 32"},
		{strings.Repeat("(", 33) + "y" + strings.Repeat(")", 33), nil, "structs nested deeper than 32"},
		{strings.Repeat("a{s", 32) + "y" + strings.Repeat("}", 32), []string{strings.Repeat("a{s", 32) + "y" + strings.Repeat("}", 32)}, ""},
		{strings.Repeat("a{s", 33) + "y" + strings.Repeat("}", 33), nil, "arrays nested deeper than 32"},
		{strings.Repeat("a(", 32) + "y" + strings.Repeat(")", 32), []string{strings.Repeat("a(", 32) + "y" + strings.Repeat(")", 32)}, ""},
		{strings.Repeat("y", 256), nil, "longer than 255"},
		{"a", nil, "missing element type"},
		{"a{vs}", nil, "not a basic type"},
		{"a{s}", nil, "unknown type code"},
		{"a{sss}", nil, "closing '}'"},
		{"{ss}", nil, "unknown type code"},
		{"()", nil, "empty struct"},
		{"(i", nil, "closing ')'"},
		{"i)", nil, "unknown type code"},
		{"z", nil, "unknown type code"},
	} {
		types, err := splitSignature(tc.sig)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("splitSignature(%q) error %v, want one containing %q", tc.sig, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(types, tc.types) {
			t.Errorf("splitSignature(%q) = %q, %v; want %q", tc.sig, types, err, tc.types)
		}
	}
}

// nestedVariants is n variants, each holding the next, around a byte.
func nestedVariants(n int) []byte {
	var b []byte
	for i := 1; i < n; i++ {
		b = append(b, 1, 'v', 0)
	}
	return append(b, 1, 'y', 0, 42)
}

func TestDecodeErrors(t *testing.T) {
	manyU32 := cat(le32(4 * (maxValues + 1)))
	manyU32 = append(manyU32, make([]byte, 4*(maxValues+1))...)
	for _, tc := range []struct {
		name, sig string
		buf       []byte
		wantErr   string
	}{
		{"truncated uint32", "u", []byte{1, 2}, "truncated"},
		{"boolean 2", "b", le32(2), "boolean value 2"},
		{"non-zero padding", "yu", cat([]byte{1, 1, 0, 0}, le32(1)), "padding"},
		{"string without NUL", "s", cat(le32(1), "ab"), "NUL terminator"},
		{"string with NUL inside", "s", cat(le32(3), "a", 1, "b", 1), "NUL byte"},
		{"string not UTF-8", "s", cat(le32(1), []byte{0xff}, 1), "UTF-8"},
		{"string longer than the message", "s", cat(le32(0xffffffff), "ab", 1), "truncated"},
		{"bad object path", "o", cat(le32(3), "a//", 1), "invalid object path"},
		{"array longer than the message", "ay", cat(le32(100), []byte{1}), "truncated"},
		{"array over 64 MiB", "ay", cat(le32(maxArrayBytes + 1)), "over the limit"},
		{"array element past the array's length", "as", cat(le32(4), le32(1), "a", 1), "truncated"},
		{"variant holding two types", "v", cat([]byte{2}, "yy", 1, []byte{1, 2}), "not one complete type"},
		{"variant with a bad signature", "v", cat([]byte{1}, "z", 1), "unknown type code"},
		{"variants nested past 64", "v", nestedVariants(65), "nested deeper than 64"},
		{"too many values", "au", manyU32, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := decoder{buf: tc.buf}
			_, err := d.values(tc.sig, 0)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	// 64 nested variants are allowed.
	d := decoder{buf: nestedVariants(64)}
	if _, err := d.values("v", 0); err != nil {
		t.Fatalf("64 nested variants: %v", err)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		v       any
		wantErr string
	}{
		{"unsupported Go type", 3.5, "cannot encode"},
		{"empty struct", Struct{}, "empty struct"},
		{"string with NUL", "a\x00b", "NUL byte"},
		{"invalid UTF-8", "\xff", "UTF-8"},
		{"bad object path", ObjectPath("no/slash"), "invalid object path"},
		{"variant lying about its type", Variant{"s", uint32(1)}, "holds a uint32"},
		{"variant of two types", Variant{"ss", "a"}, "not one complete type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e encoder
			if err := e.value(tc.v, 0); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestStore(t *testing.T) {
	body := []any{
		[]any{ObjectPath("/a"), ObjectPath("/b")},
		Dict{{"k", "v"}},
		Dict{{"p", Variant{"b", true}}},
		uint64(5),
	}
	var (
		paths []ObjectPath
		ss    map[string]string
		sv    map[string]Variant
		n     uint64
	)
	if err := Store(body, &paths, &ss, &sv, &n); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(paths, []ObjectPath{"/a", "/b"}) || ss["k"] != "v" || sv["p"].Value != true || n != 5 {
		t.Fatalf("stored %v %v %v %v", paths, ss, sv, n)
	}
	for _, tc := range []struct {
		name    string
		body    []any
		dst     []any
		wantErr string
	}{
		{"count mismatch", []any{"a"}, nil, "has 1 values, want 0"},
		{"wrong type", []any{"a"}, []any{new(uint32)}, "does not fit"},
		{"array of the wrong element type", []any{[]any{"a"}}, []any{new([]ObjectPath)}, "does not fit"},
		{"dict with a non-string key", []any{Dict{{uint32(1), "v"}}}, []any{new(map[string]string)}, "does not fit"},
		{"unsupported destination", []any{"a"}, []any{new(float32)}, "cannot store"},
	} {
		if err := Store(tc.body, tc.dst...); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}
