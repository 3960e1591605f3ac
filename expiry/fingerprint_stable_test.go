package expiry

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// The once-a-day expiry warning remembers a token by a stamp file named
// after its fingerprint; a new name would warn again the day an
// upgrade lands. The name is the one crypto/sha256 gave before
// internal/fingerprint.
func TestExpiryStampNameIsStable(t *testing.T) {
	dir := t.TempDir()
	x := &ExpiryWarner{StateDir: func() string { return dir }}
	c := credential.Credential{Protocol: "https", Host: "example.com"}
	c.SetUsername("u")
	c.SetPassword("ghp_abcdefghijklmnopqrstuvwxyz0123456789")
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	if x.warnedRecently(c, now) {
		t.Fatal("warned recently with no stamp")
	}
	want := "expiry-warned-68c2eb9e153e7c5f"
	if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
		entries, _ := os.ReadDir(dir)
		t.Errorf("stamp %s not written (%v); the directory holds %v", want, err, entries)
	}
	if !x.warnedRecently(c, now.Add(time.Hour)) {
		t.Error("not warned recently an hour after the stamp")
	}
}
