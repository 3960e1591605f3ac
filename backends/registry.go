// Package backends holds every credential store and the registry that maps
// a --store name to one. Adding a store is one file plus one registry line.
package backends

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache"
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

	Resolver        string        // secret references: command for ref: and ResolverSchemes, e.g. "pass show" (split on spaces, no shell)
	ResolverSchemes []string      // secret references: schemes sent to Resolver, e.g. "vault" for vault://... (op:// runs "op read" unless listed)
	ResolverTimeout time.Duration // secret references: deadline for one resolver run (0 = 10s)
}

type backend struct {
	open func(Options) (credential.Store, error)
	help string
}

// registry lists every store by the name --store uses.
var registry = map[string]backend{
	"file":     {openFile, "plain file in git-credential-store format, mode 0600"},
	"cache":    {openCache, "in-memory cache daemon; forgets after --timeout"},
	"keychain": {openKeychain, "OS keychain: Secret Service, macOS Keychain, Windows Credential Manager"},
	"agent":    {openAgent, "read-only: asks the git-credential-pat agent at $GIT_CREDENTIAL_PAT_AGENT (or --socket), forwarded by ssh -R or a bind mount"},
	"env":      {openEnv, "read-only: GIT_CREDENTIAL_PAT_TOKEN, GH_TOKEN/GITHUB_TOKEN, GITLAB_TOKEN from the environment (CI)"},
}

// Open returns the store called name, or a Chain for a comma list
// ("env,keychain"); either way secret references are resolved (Resolving).
func Open(name string, o Options) (credential.Store, error) {
	return openList(name, o)
}

// layered puts the cache daemon in front of a persistent store when
// --cache-for asks for it. The cache itself needs no layer, and env tokens
// (and the agent's answers) stay out of the shared daemon: another process
// with another environment must not be served them.
//
// The daemon keeps the answers of each store apart by StoreIdentity. When
// that cannot be worked out, the store goes without the cache: answering
// for the wrong store would be worse than being slow.
func layered(name string, s credential.Store, o Options) credential.Store {
	if o.CacheFor <= 0 || name == "cache" || name == "env" || name == "agent" {
		return s
	}
	id, err := StoreIdentity(name, o)
	if err != nil {
		return s
	}
	return cache.Layer(s, cache.Options{Socket: o.Socket, Timeout: o.CacheFor}, id)
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
	if name == "file" {
		p := o.File
		if p == "" {
			var err error
			if p, err = DefaultFilePath(); err != nil {
				return "", err
			}
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", fmt.Errorf("file store: path %s: %w", p, err)
		}
		b.WriteString(" file=" + strconv.Quote(abs))
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
