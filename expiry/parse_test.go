package expiry

import (
	"strings"
	"testing"
	"time"
)

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"", time.Time{}, ""},
		{"never", time.Time{}, ""},
		{"2026-12-31", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), ""},
		{"2026-12-31T18:30:00Z", time.Date(2026, 12, 31, 18, 30, 0, 0, time.UTC), ""},
		{"2026-12-31T18:30:00+02:00", time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), ""},
		{"30d", now.Add(30 * 24 * time.Hour), ""},
		{"1d", now.Add(24 * time.Hour), ""},
		{"720h", now.Add(720 * time.Hour), ""},
		{"1h30m", now.Add(90 * time.Minute), ""},
		{" 7d ", now.Add(7 * 24 * time.Hour), ""},

		{"2026-11-26", time.Time{}, "not in the future"}, // today, 00:00 UTC: already past
		{"2020-01-01", time.Time{}, "not in the future"},
		{"-5h", time.Time{}, "not in the future"},
		{"0d", time.Time{}, "not in the future"},
		{"tomorrow", time.Time{}, "use a date"},
		{"30 days", time.Time{}, "use a date"},
		{"2026-13-01", time.Time{}, "use a date"},
		{"12/31/2026", time.Time{}, "use a date"},
		{"-3d", time.Time{}, "use a date"},
	}
	for _, tc := range tests {
		got, err := ParseExpiry(tc.in, now)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseExpiry(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// A cache entry kept for --timeout 8h reads "in 8 hours" a moment later
// (cache status), not "in 7 hours".
func TestHumanizeAhead(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{8*time.Hour - 2*time.Second, "in 8 hours"},
		{90 * time.Minute, "in 2 hours"},
		{59 * time.Minute, "in 59 minutes"},
		{3*24*time.Hour - time.Minute, "in 3 days"},
	}
	for _, tc := range tests {
		if got := HumanizeAhead(tc.d); got != tc.want {
			t.Errorf("HumanizeAhead(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestDescribeExpiry(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) int64 { return now.Add(d).Unix() }
	tests := []struct {
		expiry int64
		want   string
	}{
		{0, ""},
		{at(-time.Hour), "expired"},
		{now.Unix(), "expired"},
		{at(30 * time.Second), "expires in less than a minute"},
		{at(10 * time.Minute), "expires in 10 minutes"},
		{at(5 * time.Hour), "expires in 5 hours"},
		{at(5*time.Hour - time.Second), "expires in 5 hours"},
		{at(3 * 24 * time.Hour), "expires in 3 days"},
		{at(3*24*time.Hour - time.Second), "expires in 3 days"}, // just stored with --expires 3d
		{at(90 * 24 * time.Hour), "expires in 90 days"},
	}
	for _, tc := range tests {
		if got := DescribeExpiry(tc.expiry, now); got != tc.want {
			t.Errorf("DescribeExpiry(now%+v) = %q, want %q", time.Unix(tc.expiry, 0).Sub(now), got, tc.want)
		}
	}
}
