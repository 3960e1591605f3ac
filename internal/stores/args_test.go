package stores

import (
	"reflect"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/backends"
)

// ParseArgs reads helper lines as git-credential-pat-cli's flag parser
// does for the forms git writes, and says "not ok" for everything else, so
// the lean helper hands those to the full program.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
		want func(Args) bool
	}{
		{"nothing", nil, true, func(a Args) bool { return a.Store == "file" && a.Action == "" }},
		{"action after flags", []string{"--store", "keychain", "get"}, true, func(a Args) bool { return a.Store == "keychain" && a.Action == "get" }},
		{"name=value", []string{"--store=cache", "--timeout=8h", "store"}, true, func(a Args) bool {
			return a.Store == "cache" && a.Options.CacheTimeout == 8*time.Hour && a.Action == "store"
		}},
		{"seconds", []string{"--cache-for", "900", "get"}, true, func(a Args) bool { return a.Options.CacheFor == 900*time.Second }},
		{"file and socket", []string{"--file", "/x", "--socket=/s"}, true, func(a Args) bool { return a.Options.File == "/x" && a.Options.Socket == "/s" }},
		{"allow-http bare and =false", []string{"--allow-http", "--allow-http=false", "get"}, true, func(a Args) bool { return !a.AllowHTTP }},
		{"first word is the action", []string{"get", "extra"}, true, func(a Args) bool { return a.Action == "get" }},
		{"unknown flag", []string{"--store", "cache", "--nosuch", "get"}, false, func(a Args) bool { return a.Store == "cache" }},
		{"short flag", []string{"-h"}, false, nil},
		{"double dash", []string{"--", "get"}, false, nil},
		{"missing value", []string{"--file"}, false, nil},
		{"bad duration", []string{"--timeout", "soon"}, false, nil},
		{"bad bool", []string{"--allow-http=maybe"}, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := ParseArgs(tc.args)
			if ok != tc.ok || tc.want != nil && !tc.want(a) {
				t.Fatalf("ParseArgs(%q) = %+v, %v; want ok %v", tc.args, a, ok, tc.ok)
			}
		})
	}
}

// Every flag the full program offers (Flags) is one the lean helper's
// parser takes, in both forms, and binds where Flags binds it.
func TestParseArgsTakesEveryFlag(t *testing.T) {
	var o backends.Options
	for _, f := range Flags(&o) {
		val := map[string]string{"duration": "7s", "seconds": "7"}[f.Value.Type()]
		if val == "" {
			val = "x7"
		}
		for _, args := range [][]string{{"--" + f.Name, val, "get"}, {"--" + f.Name + "=" + val, "get"}} {
			a, ok := ParseArgs(args)
			if !ok || a.Action != "get" {
				t.Errorf("ParseArgs(%q) = %+v, %v; want ok", args, a, ok)
				continue
			}
			var want backends.Options
			for _, g := range Flags(&want) {
				if g.Name == f.Name {
					if err := g.Value.Set(val); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !reflect.DeepEqual(a.Options, want) {
				t.Errorf("ParseArgs(%q) set %+v; want %+v", args, a.Options, want)
			}
		}
	}
}

// The lean helper's parser stops at the first flag of a name, so no store
// (the cache store registered here included) may declare a flag that
// another store declares, that every store shares, or --cache-for.
func TestFlagNamesAreUnique(t *testing.T) {
	var o backends.Options
	merged := map[string]string{} // name -> usage, as Flags keeps it
	for _, f := range backends.Flags(&o) {
		merged[f.Name] = f.Usage
	}
	declared := map[string]string{"cache-for": "every helper line"}
	for _, n := range backends.Names() {
		d, _ := backends.Lookup(n)
		if d.Flags == nil {
			continue
		}
		for _, f := range d.Flags(&o) {
			if other, dup := declared[f.Name]; dup {
				t.Errorf("store %s declares --%s, which %s declares too", n, f.Name, other)
			} else if merged[f.Name] != f.Usage {
				t.Errorf("store %s declares --%s, which every store shares", n, f.Name)
			}
			declared[f.Name] = "store " + n
		}
	}
	if _, ok := declared["timeout"]; !ok {
		t.Error("the cache store's --timeout is not among the stores' flags: is it registered?")
	}
}
