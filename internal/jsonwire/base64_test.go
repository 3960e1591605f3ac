package jsonwire

import (
	"bytes"
	"encoding/base64"
	"testing"
)

var base64Cases = []string{
	"", "QQ==", "QUI=", "QUJD", "QUJDRA==", "AB==", "AAB=", "ABC=",
	"QUJD\nRA==", "QU\r\nJD", "QUJDRA==\n", "\n",
	// refused by encoding/base64 too
	"Q", "QQ", "QQ=", "Q===", "QQ=A", "QUJDRA==QQ==", "QUJD RA==", "QU-D", "QUJD=", "====", "QQ==\nQ",
}

// The written-out base64 says what encoding/base64's StdEncoding says:
// the same text for any bytes, the same bytes or a refusal for any text.
func FuzzBase64(f *testing.F) {
	for _, c := range base64Cases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := string(appendBase64([]byte("x"), data)), "x"+base64.StdEncoding.EncodeToString(data); got != want {
			t.Fatalf("appendBase64(%q) = %q, want %q", data, got, want)
		}
		want, wantErr := base64.StdEncoding.DecodeString(string(data))
		got, err := decodeBase64(string(data))
		if (err != nil) != (wantErr != nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("decodeBase64(%q) = %q, %v; encoding/base64: %q, %v", data, got, err, want, wantErr)
		}
	})
}
