// Package backends holds every credential store and the registry that maps
// a --store name to one. Adding a store is one file plus one registry line.
package backends

import (
	"fmt"
	"sort"
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
func layered(name string, s credential.Store, o Options) credential.Store {
	if o.CacheFor <= 0 || name == "cache" || name == "env" || name == "agent" {
		return s
	}
	return cache.Layer(s, cache.Options{Socket: o.Socket, Timeout: o.CacheFor})
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
