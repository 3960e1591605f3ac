package backends

import (
	"sort"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// attrs are the key=value attributes of a `#pat ` line (and of a
// keychain item's comment on macOS and Windows), in the encoding
// net/url's Values.Encode writes and ParseQuery reads, so files written by
// earlier versions read the same. It is written here rather than taken
// from net/url so that the helper git runs does not link net/url and the
// net/netip start-up that comes with it.
type attrs map[string]string

// set records k=v; an empty v is kept (Values.Set does too).
func (a attrs) set(k, v string) { a[k] = v }

// encode writes the attributes sorted by key, query-escaped, joined by '&'.
func (a attrs) encode() string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(credential.EscapeQuery(k))
		b.WriteByte('=')
		b.WriteString(credential.EscapeQuery(a[k]))
	}
	return b.String()
}

// parseAttrs reads what encode writes. It accepts what ParseQuery accepts
// without error (the first value of a repeated key wins, as Values.Get
// returns it) and refuses the rest: a ';' separator or a malformed escape.
func parseAttrs(s string) (attrs, bool) {
	a := attrs{}
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if strings.Contains(pair, ";") {
			return nil, false
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, ok1 := credential.UnescapeQuery(k)
		v, ok2 := credential.UnescapeQuery(v)
		if !ok1 || !ok2 {
			return nil, false
		}
		if _, seen := a[k]; !seen {
			a[k] = v
		}
	}
	return a, true
}
