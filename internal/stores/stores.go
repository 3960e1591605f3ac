// Package stores opens the store a command names: the backends registry
// plus the cache daemon, registered as the "cache" store and put in front
// of Cacheable stores when --cache-for asks. It is the one package that
// joins backends and cache, so that neither imports the other.
package stores

import (
	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

func init() {
	backends.Register(backends.Descriptor{Name: "cache", Help: "in-memory cache daemon; forgets after --timeout", Open: openCache,
		Flags: func(o *backends.Options) []backends.Flag {
			return []backends.Flag{{Name: "timeout", Usage: "--store cache: how long an entry lives: 900, 15m, 1h (default 900 seconds)", Value: backends.SecondsValue(&o.CacheTimeout)}}
		}})
}

// Flags are every store's flags (backends.Flags) and --cache-for, bound
// to o.
func Flags(o *backends.Options) []backends.Flag {
	return append(backends.Flags(o), cacheForFlag(o))
}

// flagValue is the Value, bound to o, of the flag of Flags(o) called
// name, or nil (see backends.FlagValue).
func flagValue(o *backends.Options, name string) backends.Value {
	if f := cacheForFlag(o); f.Name == name {
		return f.Value
	}
	return backends.FlagValue(o, name)
}

func cacheForFlag(o *backends.Options) backends.Flag {
	return backends.Flag{Name: "cache-for", Usage: "also keep answers of the chosen store in the cache daemon this long: 900, 15m, 1h", Value: backends.SecondsValue(&o.CacheFor)}
}

// openCache returns a client of the in-memory cache daemon. Nothing is
// started until the first store.
func openCache(o backends.Options) (credential.Store, error) {
	c, err := cache.Open(cache.Options{Socket: o.Socket, Timeout: o.CacheTimeout})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Open is backends.Open with the cache daemon in front of each Cacheable
// store of the list when o.CacheFor asks for it.
func Open(name string, o backends.Options) (credential.Store, error) {
	return backends.OpenWith(name, o, layered)
}

// layered puts the cache daemon in front of a persistent store when
// --cache-for asks for it.
//
// The daemon keeps the answers of each store apart by StoreIdentity. When
// that cannot be worked out, the store goes without the cache: answering
// for the wrong store would be worse than being slow.
func layered(d backends.Descriptor, s credential.Store, o backends.Options) credential.Store {
	if o.CacheFor <= 0 || !d.Cacheable {
		return s
	}
	id, err := backends.StoreIdentity(d.Name, o)
	if err != nil {
		return s
	}
	return cache.Layer(s, cache.Options{Socket: o.Socket, Timeout: o.CacheFor, CallTimeout: cache.LayerCallTimeout, Warn: o.Warn}, id)
}
