package backends

import (
	"strings"
	"testing"
)

// FuzzFileLines: any file content parses without panicking, rendering it
// back keeps every line that is not ours to regenerate, and a second
// parse of the rendering yields the same entries.
func FuzzFileLines(f *testing.F) {
	for _, s := range []string{
		"https://u:p@h\n",
		"#pat https://u@h expiry=4102444800&pw=deadbeef\nhttps://u:p@h\n",
		"#pat https://h authtype=Bearer&credential=x\n",
		"junk\n\nhttps://u:%0A@h\nhttps://:@sso.tld\r\n",
		"https://u:p@h:99999/p%zz\n#pat %%%\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		lines := parse(data, nil)
		out := render(lines)
		for _, l := range lines {
			if l.entry == nil && l.meta == nil && !strings.Contains(out, l.raw) {
				t.Fatalf("unparsable line %q dropped", l.raw)
			}
		}
		first := entriesOf(lines)
		second := entriesOf(parse(out, nil))
		if len(first) != len(second) {
			t.Fatalf("entries changed on rewrite: %d then %d\n%q\n%q", len(first), len(second), data, out)
		}
	})
}
