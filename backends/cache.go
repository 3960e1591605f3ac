package backends

import (
	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

// openCache returns a client of the in-memory cache daemon. Nothing is
// started until the first store.
func openCache(o Options) (credential.Store, error) {
	c, err := cache.Open(cache.Options{Socket: o.Socket, Timeout: o.CacheTimeout})
	if err != nil {
		return nil, err
	}
	return c, nil
}
