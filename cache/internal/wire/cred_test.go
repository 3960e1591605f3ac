package wire

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Credentials cross the socket whole: every kind decodes to what was
// encoded, and no bytes (a request without an answer) decode to the empty
// credential, as credential.Read makes of no input.
func TestCredRoundTrip(t *testing.T) {
	full := credential.Credential{Protocol: "https", Host: "git.example.com", HasHost: true, Path: "team/repo.git", Password: "tok\xff", HasPassword: true, PasswordExpiryUTC: 1700000000}
	full.SetUsername("alice")
	ref := credential.Credential{Protocol: "https", Host: "git.example.com", HasHost: true, Password: "vault:kv/git", HasPassword: true, SecretRef: true}
	for _, tc := range []struct {
		name string
		cred credential.Credential
	}{
		{"empty", credential.Credential{}},
		{"full", full},
		{"secret reference", ref},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := EncodeCred(tc.cred)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeCred(b)
			if err != nil || !reflect.DeepEqual(got, tc.cred) {
				t.Fatalf("DecodeCred(EncodeCred(%+v)) = %+v, %v", tc.cred, got, err)
			}
		})
	}
	for _, b := range [][]byte{nil, {}} {
		got, err := DecodeCred(b)
		want, werr := credential.Read(bytes.NewReader(b))
		if err != nil || werr != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeCred(%#v) = %+v, %v; credential.Read makes %+v, %v of it", b, got, err, want, werr)
		}
	}
}
