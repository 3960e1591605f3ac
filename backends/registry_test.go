package backends

import (
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// storeOpeners opens each registered store for the conformance suite. A
// new store adds its opener here (or from a test file of its own, in an
// init function, as the keychain does on Linux); TestEveryStoreConforms
// fails for a registered store without one. A read-only store runs as the
// front of a chain with the file store, as --store env,file opens it: the
// suite then checks that it answers nothing it was not given and breaks
// nothing behind it.
var storeOpeners = map[string]func(t *testing.T) credential.Store{
	"file": func(t *testing.T) credential.Store {
		return mustOpen(t, "file", Options{File: filepath.Join(t.TempDir(), "credentials")})
	},
	"env": func(t *testing.T) credential.Store {
		return mustOpen(t, "env,file", Options{File: filepath.Join(t.TempDir(), "credentials"), Getenv: envOf(nil)})
	},
	"agent": func(t *testing.T) credential.Store {
		return mustOpen(t, "agent,file", Options{File: filepath.Join(t.TempDir(), "credentials"), Socket: filepath.Join(t.TempDir(), "no-agent"), Getenv: envOf(nil)})
	},
}

func mustOpen(t *testing.T, name string, o Options) credential.Store {
	t.Helper()
	s, err := Open(name, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every store in the registry passes the conformance suite. (The cache
// store is registered by internal/stores; cache/ runs it through the suite
// with real daemons.)
func TestEveryStoreConforms(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			open, ok := storeOpeners[name]
			switch {
			case !ok && name == "keychain" && runtime.GOOS != "linux":
				t.Skip("no private keychain to test against on " + runtime.GOOS)
			case !ok:
				t.Fatalf("store %q has no opener in storeOpeners: add one so it runs the conformance suite", name)
			}
			storetest.Run(t, open)
		})
	}
}

// Flags holds every flag each store declares, once, bound to Options.
func TestFlags(t *testing.T) {
	var o Options
	seen := map[string]bool{}
	for _, f := range Flags(&o) {
		if seen[f.Name] {
			t.Errorf("flag --%s listed twice", f.Name)
		}
		seen[f.Name] = true
	}
	for _, n := range Names() {
		if d, _ := Lookup(n); d.Flags != nil {
			for _, f := range d.Flags(&Options{}) {
				if !seen[f.Name] {
					t.Errorf("store %s declares --%s, which Flags leaves out", n, f.Name)
				}
			}
		}
	}
	for _, set := range []struct{ name, value string }{{"file", "/x"}, {"lock-timeout", "2s"}, {"resolver-schemes", "vault,op"}} {
		for _, f := range Flags(&o) {
			if f.Name == set.name {
				if err := f.Value.Set(set.value); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if o.File != "/x" || o.LockTimeout != 2e9 || len(o.ResolverSchemes) != 2 || o.ResolverSchemes[1] != "op" {
		t.Errorf("flags did not reach Options: %+v", o)
	}
}

// FlagValue stops at the first flag of the name, so no store may declare
// a flag that another store, or every store, declares too.
func TestStoreFlagNamesAreUnique(t *testing.T) {
	owner := map[string]string{}
	for _, f := range sharedFlags(&Options{}) {
		owner[f.Name] = "every store"
	}
	for _, n := range Names() {
		if d, _ := Lookup(n); d.Flags != nil {
			for _, f := range d.Flags(&Options{}) {
				if o, dup := owner[f.Name]; dup {
					t.Errorf("store %s declares --%s, which %s declares too", n, f.Name, o)
				}
				owner[f.Name] = "store " + n
			}
		}
	}
}

// FlagValue finds each flag of Flags, bound to the same field of
// Options, and no other.
func TestFlagValue(t *testing.T) {
	for _, f := range Flags(&Options{}) {
		val := map[string]string{"duration": "7s"}[f.Value.Type()]
		if val == "" {
			val = "x7"
		}
		var got, want Options
		v := FlagValue(&got, f.Name)
		if v == nil {
			t.Errorf("FlagValue(%q) = nil; Flags has it", f.Name)
			continue
		}
		if err := v.Set(val); err != nil {
			t.Fatal(err)
		}
		for _, g := range Flags(&want) {
			if g.Name == f.Name {
				if err := g.Value.Set(val); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("--%s through FlagValue set %+v; through Flags %+v", f.Name, got, want)
		}
	}
	for _, name := range []string{"", "nosuch", "store", "allow-http", "cache-for"} {
		if v := FlagValue(&Options{}, name); v != nil {
			t.Errorf("FlagValue(%q) = %v; want nil", name, v)
		}
	}
}

func TestNamesAreSorted(t *testing.T) {
	n := Names()
	if len(n) < 4 || !slices.IsSorted(n) || len(slices.Compact(slices.Clone(n))) != len(n) {
		t.Errorf("Names() = %q; want every store once, sorted", n)
	}
	n[0] = "changed"
	if Names()[0] == "changed" {
		t.Error("Names() hands out the registry's own slice")
	}
}

func TestFilePath(t *testing.T) {
	def, err := DefaultFilePath()
	if err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"file", Options{File: "/x"}, "/x"},
		{"env, file", Options{}, def},
		{"keychain", Options{File: "/x"}, ""},
	} {
		if got := FilePath(tc.name, tc.o); got != tc.want {
			t.Errorf("FilePath(%q, %+v) = %q, want %q", tc.name, tc.o, got, tc.want)
		}
	}
}

func TestListNames(t *testing.T) {
	for _, tc := range []struct {
		list     string
		names    []string
		hasFile  bool
		hasCache bool
	}{
		{"file", []string{"file"}, true, false},
		{" env , cache", []string{"env", "cache"}, false, true},
		{"env,,file", []string{"env", "", "file"}, true, false},
		{"files", []string{"files"}, false, false},
	} {
		if got := ListNames(tc.list); !slices.Equal(got, tc.names) {
			t.Errorf("ListNames(%q) = %q, want %q", tc.list, got, tc.names)
		}
		if ListHas(tc.list, "file") != tc.hasFile || ListHas(tc.list, "cache") != tc.hasCache {
			t.Errorf("ListHas(%q): file %v cache %v", tc.list, ListHas(tc.list, "file"), ListHas(tc.list, "cache"))
		}
	}
}
