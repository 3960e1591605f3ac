// Package expiry is token expiry: reading --expires, describing it, and the
// once-a-day warning git's get shows. It is apart from cli so that the path
// git runs needs no command code.
package expiry

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
	"github.com/git-credential-pat/git-credential-pat/internal/fingerprint"
	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
)

// SoonWindow is how far ahead an expiring token is worth a warning.
const SoonWindow = 7 * 24 * time.Hour

// ExpiryWarner warns on w, at most once a day per token, when a token git
// is about to use expires within SoonWindow. The once-a-day stamps live in
// the directory StateDir returns, asked only when a warning is due (nearly
// every get has none, and finding the directory reads the environment);
// if it is nil or says "", or the stamps cannot be written, the warning is
// simply shown.
type ExpiryWarner struct {
	W        io.Writer
	StateDir func() string
	Now      func() time.Time
}

// DefaultStateDir is $XDG_STATE_HOME/git-credential-pat.
func DefaultStateDir() string {
	if d, err := xdg.StateDir(); err == nil {
		return d
	}
	return ""
}

// Check is called with the credential a get is about to return.
func (x *ExpiryWarner) Check(c credential.Credential) {
	now := time.Now()
	if x.Now != nil {
		now = x.Now()
	}
	if c.PasswordExpiryUTC == 0 {
		return
	}
	exp := time.Unix(c.PasswordExpiryUTC, 0)
	left := exp.Sub(now)
	if left <= 0 || left > SoonWindow {
		return
	}
	if x.warnedRecently(c, now) {
		return
	}
	msg := fmt.Sprintf("git-credential-pat: warning: the token for %s %s (%s); create a new one at %s and run: git-credential-pat rotate --host %s",
		c.URL(), DescribeExpiry(c.PasswordExpiryUTC, now), exp.UTC().Format("2006-01-02 15:04 MST"), forge.NewTokenURL(c.Host), c.Host)
	fmt.Fprintln(x.W, credential.Printable(msg)) // the entry's host and path came from git's store
}

// warnedRecently records this warning and reports whether one was shown for
// the same token in the last 24 hours.
func (x *ExpiryWarner) warnedRecently(c credential.Credential, now time.Time) bool {
	var dir string
	if x.StateDir != nil {
		dir = x.StateDir()
	}
	if dir == "" {
		return false
	}
	stamp := filepath.Join(dir, "expiry-warned-"+fingerprint.Hex([]byte(c.URL()+"\x00"+c.Password), 8))
	if st, err := os.Stat(stamp); err == nil && now.Sub(st.ModTime()) < 24*time.Hour {
		return true
	}
	if err := os.MkdirAll(dir, 0o700); err == nil {
		if err := os.WriteFile(stamp, nil, 0o600); err == nil {
			os.Chtimes(stamp, now, now)
		}
	}
	return false
}

// Humanize says how long until (or since) a moment, in words people use.
func Humanize(d time.Duration) string {
	past := d < 0
	if past {
		d = -d
	}
	var s string
	switch {
	case d < time.Hour:
		s = fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%d hours", int(d.Hours()))
	default:
		s = fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if past {
		return s + " ago"
	}
	return "in " + s
}
