package stores

import (
	"testing"
	"time"
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
