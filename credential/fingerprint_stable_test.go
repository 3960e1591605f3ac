package credential

import "testing"

// The state a get hands git comes back with git's store, possibly from a
// git process started by an older version of this helper: its
// fingerprint must not change (a change would only cost one rewrite of
// the store, but would hide a change to the bytes hashed). The value is
// the one crypto/sha256 gave before internal/fingerprint.
func TestStateMarkerIsStable(t *testing.T) {
	c := Credential{Protocol: "https", Host: "example.com", Path: "org/repo.git"}
	c.SetUsername("u")
	c.SetPassword("ghp_abcdefghijklmnopqrstuvwxyz0123456789")
	if got, want := stateMarker(c), "pat:b49dc532cc49e03b63422610"; got != want {
		t.Errorf("stateMarker = %q, want %q", got, want)
	}
}
