package stores

import (
	"strconv"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/backends"
)

// Args is what a helper command line says: the action and the flags every
// command accepts (--store, --allow-http, and each store's own flags).
type Args struct {
	Action    string
	Store     string // "file" when not given
	Options   backends.Options
	AllowHTTP bool
}

// ParseArgs reads a command line as git writes it into a helper line:
// --name=value or --name value for the store flags, --allow-http[=bool],
// and the first word as the action. It is the one reader of helper lines
// outside the full program's own flag parser (both take their flags from
// Flags). Anything else (-h, --help, --, a flag it does not know, a value
// its flag refuses) is not ok; what was read before it is returned.
func ParseArgs(args []string) (Args, bool) {
	a := Args{Store: "file"}
	for i := 0; i < len(args); i++ {
		w := args[i]
		if len(w) < 2 || w[0] != '-' { // a word ("-" alone is one too)
			if a.Action == "" {
				a.Action = w
			}
			continue
		}
		if w[1] != '-' || w == "--" {
			return a, false
		}
		name, val, hasVal := strings.Cut(w[2:], "=")
		if name == "allow-http" {
			if !hasVal {
				val = "true"
			}
			b, err := strconv.ParseBool(val)
			if err != nil {
				return a, false
			}
			a.AllowHTTP = b
			continue
		}
		var v backends.Value
		if name == "store" {
			v = (*stringValue)(&a.Store)
		} else if v = flagValue(&a.Options, name); v == nil {
			return a, false
		}
		if !hasVal {
			if i+1 >= len(args) {
				return a, false
			}
			i++
			val = args[i]
		}
		if v.Set(val) != nil {
			return a, false
		}
	}
	return a, true
}

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string     { return string(*s) }
func (s *stringValue) Type() string       { return "string" }
