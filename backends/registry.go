// Package backends holds every credential store and the registry that maps
// a --store name to one. Adding a store is one file plus one registry line.
package backends

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Options carries the flags any store may need. Each store reads only its own.
type Options struct {
	File        string        // file: credentials file path ("" = default)
	LockTimeout time.Duration // file: how long to wait for the lock file
}

type backend struct {
	open func(Options) (credential.Store, error)
	help string
}

// registry lists every store by the name --store uses.
var registry = map[string]backend{
	"file": {openFile, "plain file in git-credential-store format, mode 0600"},
}

// Open returns the store called name.
func Open(name string, o Options) (credential.Store, error) {
	b, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown store %q: choose one of %s (for example --store file)", name, strings.Join(Names(), ", "))
	}
	return b.open(o)
}

// Names lists the registered stores, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Help describes a store in one line.
func Help(name string) string { return registry[name].help }
