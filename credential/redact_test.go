package credential

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"acme/app.git", "acme/app.git"},
		{"Zoë Ångström", "Zoë Ångström"},
		{"x\x1b[2J\x1b[31mHACKED\x1b[0m", "x?[2J?[31mHACKED?[0m"},
		{"r\x1b]0;PWNED\x07", "r?]0;PWNED?"},
		{"a\nb\tc\rd\x00e\x7f", "a?b?c?d?e?"},
		{"csi\u009b2J", "csi?2J"},
		{"raw\x9b2J", "raw?2J"}, // not UTF-8
		{"evil\u202egnp.exe", "evil?gnp.exe"},
		{"\u2066iso\u2069", "?iso?"},
	}
	for _, tc := range tests {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
