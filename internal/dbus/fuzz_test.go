package dbus

import (
	"runtime"
	"testing"
)

// FuzzDecodeMessage feeds arbitrary bytes to the message decoder, as a
// broken or hostile bus could: it must return an error or a message,
// never panic, and allocate in proportion to the input, not to the
// lengths the input claims.
func FuzzDecodeMessage(f *testing.F) {
	call, err := encodeCall(3, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "CreateItem",
		[]any{map[string]Variant{"l": MakeVariant("x"), "a": MakeVariant(map[string]string{"k": "v"})},
			Struct{ObjectPath("/s"), []byte{}, []byte("pw"), "text/plain"}, false})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(call)
	reply := field(fieldReplySerial, uint32(3))
	f.Add(buildMessage(f, typeMethodReturn, 9, []Struct{reply}, []ObjectPath{"/a", "/b"}, []ObjectPath{}))
	f.Add(buildMessage(f, typeError, 9, []Struct{reply, field(fieldErrorName, "org.freedesktop.DBus.Error.UnknownMethod")}, "no such method"))
	f.Add(buildMessage(f, typeSignal, 9, []Struct{field(fieldPath, ObjectPath("/org/freedesktop/DBus")), field(fieldMember, "NameAcquired")}, ":1.7"))
	f.Add(buildMessage(f, typeMethodReturn, 9, []Struct{reply, field(fieldSignature, Signature("a{o(oayays)}"))}))
	f.Add(buildMessage(f, typeMethodReturn, 9, []Struct{reply}, map[string]Variant{"Modified": MakeVariant(uint64(1)), "Locked": MakeVariant(true)}))

	f.Add(deepMessage(f))

	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := decodeMessage(data)
		if err == nil {
			_, _ = m.body()
		}
		runtime.ReadMemStats(&after)
		// Generous: a value costs tens of bytes and takes at least a few
		// on the wire; the constant covers fixed costs and other goroutines.
		if used := after.TotalAlloc - before.TotalAlloc; used > 64*uint64(len(data))+1<<20 {
			t.Fatalf("decoding %d bytes allocated %d", len(data), used)
		}
	})
}

// deepMessage is a reply of 64 nested variants, the deepest allowed.
func deepMessage(tb testing.TB) []byte {
	body := nestedVariants(64)
	m := buildMessage(tb, typeMethodReturn, 9, []Struct{field(fieldReplySerial, uint32(3)), field(fieldSignature, Signature("v"))})
	m[4] = byte(len(body)) // body length, under 256
	return append(m, body...)
}

// TestDeepMessage: the deepest seed is a valid message, so the fuzzer
// starts from an input that reaches the nesting limit.
func TestDeepMessage(t *testing.T) {
	m, err := decodeMessage(deepMessage(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.body(); err != nil {
		t.Fatal(err)
	}
}
