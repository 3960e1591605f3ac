package backends

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"
)

// Flag is one command-line flag a store reads, bound to a field of
// Options. Stores declare theirs (Descriptor.Flags); the command line
// registers every store's flags from the registry (Flags).
type Flag struct {
	Name, Usage string
	Value       Value
}

// Value is a flag's value: the methods of pflag.Value, so any such flag
// library takes it, without this package importing one.
type Value interface {
	String() string
	Set(string) error
	Type() string
}

// Flags returns the flags every store shares (the agent and cache socket,
// the secret resolver), then those of each registered store in the order
// of their names, bound to o, once each: where two declare the same name,
// the first one.
func Flags(o *Options) []Flag {
	var all []Flag
	seen := map[string]bool{}
	for f := range declaredFlags(o) {
		if !seen[f.Name] {
			seen[f.Name] = true
			all = append(all, f)
		}
	}
	return all
}

// FlagValue is the Value, bound to o, of the flag of Flags(o) called
// name, or nil. It is for a parser that meets one or two flags (git's
// helper line): it stops at the first flag of that name, which is the
// one Flags keeps, without building or deduplicating the whole list.
// (No two stores declare the same flag, nor one that every store shares:
// TestFlagNamesAreUnique in internal/stores.)
func FlagValue(o *Options, name string) Value {
	for f := range declaredFlags(o) {
		if f.Name == name {
			return f.Value
		}
	}
	return nil
}

// declaredFlags yields, bound to o, the flags every store shares, then
// each registered store's own in the order of their names, a name that
// two declare included twice: the one order Flags and FlagValue read.
func declaredFlags(o *Options) iter.Seq[Flag] {
	return func(yield func(Flag) bool) {
		for _, f := range sharedFlags(o) {
			if !yield(f) {
				return
			}
		}
		for _, d := range registry {
			if d.Flags != nil {
				for _, f := range d.Flags(o) {
					if !yield(f) {
						return
					}
				}
			}
		}
	}
}

// sharedFlags are the flags every store shares, bound to o.
func sharedFlags(o *Options) []Flag {
	return []Flag{
		{"socket", "cache daemon socket (default $XDG_RUNTIME_DIR/git-credential-pat/socket); for agent and --store agent, the agent's socket", StringValue(&o.Socket)},
		{"resolver", "command that prints the secret for a ref:NAME password, run without a shell with NAME as its last argument (e.g. 'pass show')", StringValue(&o.Resolver)},
		{"resolver-schemes", "comma list of URL schemes (e.g. vault) whose passwords are passed whole to --resolver", (*commaList)(&o.ResolverSchemes)},
		{"resolver-timeout", "how long a secret resolver may take (default 10s)", DurationValue(&o.ResolverTimeout)},
	}
}

// StringValue binds a string flag to p.
func StringValue(p *string) Value { return (*stringValue)(p) }

type stringValue string

func (s *stringValue) String() string     { return string(*s) }
func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) Type() string       { return "string" }

// DurationValue binds a duration flag (15m, 1h) to p.
func DurationValue(p *time.Duration) Value { return (*durationValue)(p) }

type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }
func (d *durationValue) Type() string   { return "duration" }
func (d *durationValue) Set(v string) error {
	t, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	*d = durationValue(t)
	return nil
}

// SecondsValue binds a duration flag that also takes a bare number of
// seconds, as git's credential-cache --timeout does, to p.
func SecondsValue(p *time.Duration) Value { return (*seconds)(p) }

type seconds time.Duration

func (s *seconds) String() string {
	if *s == 0 {
		return ""
	}
	return time.Duration(*s).String()
}

func (s *seconds) Set(v string) error {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		*s = seconds(time.Duration(n) * time.Second)
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("want seconds or a duration like 15m or 1h, got %q", v)
	}
	*s = seconds(d)
	return nil
}

func (s *seconds) Type() string { return "duration" }

// commaList is a string flag holding a comma-separated list.
type commaList []string

func (c *commaList) String() string { return strings.Join(*c, ",") }
func (c *commaList) Type() string   { return "string" }
func (c *commaList) Set(v string) error {
	*c = nil
	if v != "" {
		*c = strings.Split(v, ",")
	}
	return nil
}
