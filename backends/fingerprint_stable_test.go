package backends

import (
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// A "#pat " meta line names the token it belongs to by this fingerprint,
// in files written by every earlier version: it must not change. The
// value is the one crypto/sha256 gave before internal/fingerprint.
func TestPasswordHashIsStable(t *testing.T) {
	var c credential.Credential
	if got := passwordHash(c); got != "" {
		t.Errorf("passwordHash of no password = %q, want empty", got)
	}
	c.SetPassword("ghp_abcdefghijklmnopqrstuvwxyz0123456789")
	if got, want := passwordHash(c), "03aafb02"; got != want {
		t.Errorf("passwordHash = %q, want %q", got, want)
	}
}
