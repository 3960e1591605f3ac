// Package backends holds every credential store and the registry that maps
// a --store name to one. A store describes itself (Descriptor) and
// registers from its own file; adding one is that file plus its test
// opener in registry_test.go.
package backends

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Options carries the flags any store may need. Each store reads only its own.
type Options struct {
	File        string        // file: credentials file path ("" = default)
	LockTimeout time.Duration // file: how long to wait for the lock file

	KeychainTimeout time.Duration // keychain: per-operation deadline (0 = 5s)

	Socket       string        // cache: daemon socket path ("" = default)
	CacheTimeout time.Duration // cache: how long the daemon keeps an entry (0 = 900s)
	CacheFor     time.Duration // any other store: also cache its answers this long (0 = off)

	Getenv func(string) string // env: environment lookup (nil = os.Getenv)

	Warn func(string) // any store: where warnings for the user go (nil = standard error)

	Resolver        string        // secret references: command for ref: and ResolverSchemes, e.g. "pass show" (split on spaces, no shell)
	ResolverSchemes []string      // secret references: schemes sent to Resolver, e.g. "vault" for vault://... (op:// runs "op read" unless listed)
	ResolverTimeout time.Duration // secret references: deadline for one resolver run (0 = 10s)
}

// Descriptor is what a store says about itself to the registry. Each store
// registers one from its own file (Register in an init function), so adding
// a store is that one file plus its test opener (storeOpeners in
// registry_test.go), which runs it through the conformance suite.
type Descriptor struct {
	Name string                                  // the name --store uses
	Help string                                  // one line for help and man
	Open func(Options) (credential.Store, error) // opens the store with its options

	// Flags, when set, declares the store's own command-line flags, bound
	// to the fields of o it reads (see Flags for those all stores share).
	Flags func(o *Options) []Flag

	// Cacheable says --cache-for may put the cache daemon in front of the
	// store. False for the cache itself, and for stores whose answers
	// belong to one process's environment (env, agent): another process
	// must not be served them from the shared daemon.
	Cacheable bool

	// ReadOnly says commands (login, logout, rotate, cache) cannot change
	// the store: it only answers git's get (env, agent). Commands that pick
	// a helper line to act on pass over lines of such stores only.
	ReadOnly bool

	// Identity, when set, renders what besides the name and the secret
	// resolver decides the store's answers (the file store: its absolute
	// path); see StoreIdentity.
	Identity func(Options) (string, error)
}

// registry lists every store, sorted by the name --store uses. A slice
// of a static array, not a map: the lean helper registers the stores at
// every start, and a handful are searched faster than a map is built.
var (
	registryArray [8]Descriptor
	registry      = registryArray[:0]
)

// Register adds a store to the registry. It panics on a second store of the
// same name: that is a programming error found by any test.
func Register(d Descriptor) {
	if _, dup := Lookup(d.Name); dup || d.Name == "" || d.Open == nil {
		panic("backends: bad or duplicate store registration: " + strconv.Quote(d.Name))
	}
	i, _ := slices.BinarySearchFunc(registry, d.Name, func(e Descriptor, name string) int { return strings.Compare(e.Name, name) })
	registry = slices.Insert(registry, i, d)
}

// Lookup returns the registered store called name.
func Lookup(name string) (Descriptor, bool) {
	for _, d := range registry {
		if d.Name == name {
			return d, true
		}
	}
	return Descriptor{}, false
}

// lookup is Lookup's Descriptor alone (the zero one for an unknown name).
func lookup(name string) Descriptor {
	d, _ := Lookup(name)
	return d
}

// Open returns the store called name, or a Chain for a comma list
// ("env,keychain"); either way secret references are resolved (Resolving).
func Open(name string, o Options) (credential.Store, error) {
	return OpenWith(name, o, nil)
}

// A Wrapper may put something in front of each store of a list once it is
// opened and resolving (the CLI puts the cache daemon in front of
// Cacheable stores when --cache-for asks; see internal/stores).
type Wrapper func(d Descriptor, s credential.Store, o Options) credential.Store

// OpenWith is Open with wrap applied to each store of the list.
func OpenWith(name string, o Options, wrap Wrapper) (credential.Store, error) {
	return openList(name, o, wrap)
}

// StoreIdentity renders what decides the answers of the one store called
// name (not a list: the cache layer sits in front of each store of a list
// on its own) opened with o, as a stable, canonical string: the store's
// name, for the file store its absolute path (the default one when o.File
// is empty), and the secret resolver's command and schemes, since the
// cache keeps resolved secrets. Two helper lines that may answer the same
// query differently get different identities; two that name the same
// store the same way share one. Options that change only how long or how
// a store works (timeouts, the socket) are not part of it. It holds no
// secret.
func StoreIdentity(name string, o Options) (string, error) {
	var b strings.Builder
	b.WriteString("store=" + strconv.Quote(name))
	if d, ok := Lookup(name); ok && d.Identity != nil {
		id, err := d.Identity(o)
		if err != nil {
			return "", err
		}
		b.WriteString(" " + id)
	}
	b.WriteString(" resolver=" + quoteList(strings.Fields(o.Resolver)))
	r := newResolver(o)
	schemes := slices.Clone(r.schemes)
	slices.Sort(schemes)
	b.WriteString(" schemes=" + quoteList(slices.Compact(schemes)))
	return b.String(), nil
}

// quoteList renders words as a bracketed list of quoted strings.
func quoteList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// openOne opens the single registered store called name.
func openOne(name string, o Options) (credential.Store, error) {
	d, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown store %q: choose one of %s (for example --store file)", name, strings.Join(Names(), ", "))
	}
	return d.Open(o)
}

// Names lists the registered stores, sorted.
func Names() []string {
	out := make([]string, len(registry))
	for i, d := range registry {
		out[i] = d.Name
	}
	return out
}

// ReadOnly reports whether every store of a --store list ("env,agent")
// is read-only for commands; false when one can be changed or is unknown.
func ReadOnly(list string) bool {
	for _, n := range ListNames(list) {
		if d, ok := Lookup(n); !ok || !d.ReadOnly {
			return false
		}
	}
	return true
}

// ListNames splits a --store value ("env,keychain") into its store names,
// spaces trimmed, in order ("" for an empty element, which Open refuses).
func ListNames(list string) []string {
	names := strings.Split(list, ",")
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
	}
	return names
}

// ListHas reports whether the --store value list names the store name.
func ListHas(list, name string) bool { return slices.Contains(ListNames(list), name) }

// Help describes a store in one line.
func Help(name string) string { return lookup(name).Help }
