package shquote

import "testing"

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "''",
		"/home/a/creds":      "/home/a/creds",
		"/home/a/my creds":   "'/home/a/my creds'",
		"x;touch PWNED":      "'x;touch PWNED'",
		"it's":               `'it'\''s'`,
		"$(id)":              "'$(id)'",
		"--store=file,cache": "--store=file,cache",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
