package backends

import (
	"path/filepath"
	"testing"
	"time"
)

// StoreIdentity tells apart stores that may answer the same query
// differently, and gives one store one identity however it is spelled.
func TestStoreIdentity(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	def, err := DefaultFilePath()
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	type side struct {
		name string
		o    Options
	}
	tests := []struct {
		name string
		a, b side
		same bool
	}{
		{"two credentials files", side{"file", Options{File: work}}, side{"file", Options{File: filepath.Join(dir, "personal")}}, false},
		{"a relative and an absolute path to one file", side{"file", Options{File: "work"}}, side{"file", Options{File: work}}, true},
		{"an untidy path to one file", side{"file", Options{File: dir + "/./x/../work"}}, side{"file", Options{File: work}}, true},
		{"the default file, named or not", side{"file", Options{}}, side{"file", Options{File: def}}, true},
		{"file and keychain", side{"file", Options{}}, side{"keychain", Options{}}, false},
		{"two resolvers", side{"file", Options{Resolver: "pass show"}}, side{"file", Options{Resolver: "gopass show"}}, false},
		{"a resolver and none", side{"keychain", Options{Resolver: "pass show"}}, side{"keychain", Options{}}, false},
		{"a resolver spaced differently", side{"file", Options{Resolver: " pass  show"}}, side{"file", Options{Resolver: "pass show"}}, true},
		{"resolver words split differently", side{"file", Options{Resolver: "a bc"}}, side{"file", Options{Resolver: "ab c"}}, false},
		{"schemes in another order and case", side{"file", Options{ResolverSchemes: []string{"Vault", "bw://"}}}, side{"file", Options{ResolverSchemes: []string{"bw", "vault", "vault"}}}, true},
		{"different schemes", side{"file", Options{ResolverSchemes: []string{"vault"}}}, side{"file", Options{}}, false},
		{"timeouts, socket and cache time do not matter", side{"file", Options{}},
			side{"file", Options{LockTimeout: time.Hour, Socket: "/s", CacheFor: time.Hour, CacheTimeout: time.Minute, ResolverTimeout: time.Minute, KeychainTimeout: time.Minute}}, true},
		{"another file for a store that reads none", side{"keychain", Options{File: work}}, side{"keychain", Options{}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := StoreIdentity(tc.a.name, tc.a.o)
			if err != nil {
				t.Fatal(err)
			}
			b, err := StoreIdentity(tc.b.name, tc.b.o)
			if err != nil {
				t.Fatal(err)
			}
			if (a == b) != tc.same {
				t.Errorf("identities %s and %s: same = %v, want %v", a, b, a == b, tc.same)
			}
		})
	}
	id, _ := StoreIdentity("file", Options{File: "work", Resolver: "pass show", ResolverSchemes: []string{"vault"}})
	if want := `store="file" file=` + `"` + work + `"` + ` resolver=["pass","show"] schemes=["vault://"]`; id != want {
		t.Errorf("identity = %s, want %s", id, want)
	}
}
