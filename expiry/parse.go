package expiry

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseExpiry reads a --expires value relative to now: an RFC 3339 time
// (2025-12-31T18:00:00Z), a date (2025-12-31, meaning 00:00 UTC that day,
// so the token counts as expired from the start of that day), a Go
// duration (720h, 90m) or a number of days (30d). "" and "never" mean no
// expiry (the zero time). A time that is not in the future is an error:
// git drops expired tokens, so storing one would be pointless.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "never") {
		return time.Time{}, nil
	}
	var t time.Time
	if v, err := time.Parse(time.RFC3339, s); err == nil {
		t = v
	} else if v, err := time.Parse(time.DateOnly, s); err == nil {
		t = v
	} else if d, ok := parseDays(s); ok {
		t = now.Add(d)
	} else if d, err := time.ParseDuration(s); err == nil {
		t = now.Add(d)
	} else {
		return time.Time{}, fmt.Errorf("--expires %q: use a date (2025-12-31), an RFC 3339 time (2025-12-31T18:00:00Z) or a duration (30d, 12h)", s)
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("--expires %q is not in the future; git never uses an expired token, so it is not stored", s)
	}
	return t.UTC(), nil
}

// parseDays reads "30d" (whole days).
func parseDays(s string) (time.Duration, bool) {
	n, ok := strings.CutSuffix(s, "d")
	if !ok {
		return 0, false
	}
	days, err := strconv.Atoi(n)
	if err != nil || days < 0 || days > 100*365 {
		return 0, false
	}
	return time.Duration(days) * 24 * time.Hour, true
}

// DescribeExpiry says when a token with this password_expiry_utc expires,
// relative to now: "expired", "expires in 3 days", or "" for no expiry.
func DescribeExpiry(expiryUTC int64, now time.Time) string {
	if expiryUTC == 0 {
		return ""
	}
	d := time.Unix(expiryUTC, 0).Sub(now)
	switch {
	case d <= 0:
		return "expired"
	case d < time.Minute:
		return "expires in less than a minute"
	}
	return "expires " + HumanizeAhead(d)
}

// HumanizeAhead is Humanize for a moment ahead, with whole days and hours
// rounded, so a token stored with --expires 3d still reads "in 3 days" a
// moment later, and a cache entry kept for 8h "in 8 hours".
func HumanizeAhead(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		d = d.Round(24 * time.Hour)
	case d >= time.Hour:
		d = d.Round(time.Hour)
	}
	return Humanize(d)
}
