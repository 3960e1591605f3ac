package backends

import (
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

func countCovering(es credential.Entries, q credential.Credential) int {
	n := 0
	for _, e := range es {
		if credential.Covers(q, e) {
			n++
		}
	}
	return n
}

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
		lines := parse(data, "", false)
		out := render(lines)
		for _, l := range lines {
			if l.entry == nil && l.meta == nil && !strings.Contains(out, l.raw) {
				t.Fatalf("unparsable line %q dropped", l.raw)
			}
		}
		first := entriesOf(lines)
		second := entriesOf(parse(out, "", false))
		if len(first) != len(second) {
			t.Fatalf("entries changed on rewrite: %d then %d\n%q\n%q", len(first), len(second), data, out)
		}
		// Parsing only the lines that can name a host finds the same
		// entries for it as parsing everything.
		for _, e := range first {
			q := credential.Credential{Protocol: e.Protocol, Host: e.Host}
			want := countCovering(first, q)
			if got := countCovering(entriesOf(parse(data, e.Host, false)), q); got != want {
				t.Fatalf("host %q: %d entries from the filtered parse, %d from the full one\n%q", e.Host, got, want, data)
			}
			if got := countCovering(entriesOf(parse(data, e.Host, true)), q); got != want {
				t.Fatalf("host %q (keeping others): %d entries, want %d\n%q", e.Host, got, want, data)
			}
		}
	})
}

// A line that reads "#pat " once its indentation is trimmed is never an
// entry: render writes entries unindented, so it would come back as a meta
// line and the entry would be gone (found by FuzzFileLines; its input is
// in testdata/fuzz). It is kept verbatim, as any line that is not ours to
// regenerate.
func TestIndentedMetaPrefixIsNotAnEntry(t *testing.T) {
	for _, raw := range []string{" #pat ://:@0", "\t#pat https://u:p@h", " #pat https://u@h expiry=1"} {
		l := parseLine(raw)
		if l.entry != nil || l.meta != nil {
			t.Errorf("parseLine(%q): entry %v, meta %v; want a line kept as it is", raw, l.entry, l.meta)
		}
		if out := render([]line{l}); out != raw+"\n" {
			t.Errorf("render(parseLine(%q)) = %q, want the line unchanged", raw, out)
		}
	}
	if l := parseLine("  https://u:p@h"); l.entry == nil || l.entry.Host != "h" {
		t.Errorf("an indented entry is still an entry: %+v", l)
	}
}
