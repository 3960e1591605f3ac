package expiry

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

func TestExpiryWarner(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tok := func(expiry time.Time) credential.Credential {
		c := credential.Credential{Protocol: "https", Host: "github.com"}
		c.SetUsername("alice")
		c.SetPassword("github_pat_SECRET")
		if !expiry.IsZero() {
			c.PasswordExpiryUTC = expiry.Unix()
		}
		return c
	}
	tests := []struct {
		name  string
		c     credential.Credential
		later time.Duration // a second check this much later
		want  int           // warnings printed in total
	}{
		{"no expiry", tok(time.Time{}), 0, 0},
		{"expires in 30 days", tok(now.Add(30 * 24 * time.Hour)), 0, 0},
		{"expires in 3 days, once a day", tok(now.Add(72 * time.Hour)), time.Hour, 1},
		{"expires in 3 days, again next day", tok(now.Add(72 * time.Hour)), 25 * time.Hour, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			clock := now
			dir, asked := t.TempDir(), 0
			stateDir := func() string { asked++; return dir }
			x := &ExpiryWarner{W: &out, StateDir: stateDir, Now: func() time.Time { return clock }}
			x.Check(tc.c)
			if tc.later > 0 {
				clock = now.Add(tc.later)
				x.Check(tc.c)
			}
			if got := strings.Count(out.String(), "warning:"); got != tc.want {
				t.Fatalf("%d warnings, want %d:\n%s", got, tc.want, out.String())
			}
			// The state directory (which reads the environment) is looked
			// up only for a token that is due a warning.
			if due := tc.later > 0 || tc.want > 0; (asked > 0) != due {
				t.Fatalf("StateDir asked %d times; want it asked only when a warning is due", asked)
			}
			if tc.want > 0 && (!strings.Contains(out.String(), "expires in 3 days") || !strings.Contains(out.String(), "https://github.com/settings/personal-access-tokens")) {
				t.Fatalf("warning text: %s", out.String())
			}
			if strings.Contains(out.String(), "SECRET") {
				t.Fatal("warning leaks the token")
			}
		})
	}
}
