package cli

import (
	"context"
	"path/filepath"
	"slices"
	"time"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// forgetTimeout bounds what forgetCached may add to a command when a cache
// daemon is wedged; one that answers takes a millisecond.
const forgetTimeout = 2 * time.Second

// forgetCached makes every cache daemon the user may run forget what it
// remembers for q's protocol and host (every host when q.Host is empty),
// after a command changed a token there: the answers of --cache-for layers,
// whichever store they came from, whether or not this command was given
// --cache-for, and the cache store's own entries (a --store cache helper
// line that git fed the old token). The daemons are those at the default
// socket, at this command's --socket and at the --socket of each of our
// helper lines in git config, where those use a cache daemon (the cache
// store or --cache-for; --socket also names the agent's socket). A daemon
// this command's own store is (--store cache) keeps its entries: the command has just changed them itself.
// Best effort and silent: no daemon means nothing to forget, and none is
// started.
func (s StoreRef) forgetCached(ctx context.Context, q credential.Credential) {
	parsed, _ := stores.ParseArgs(s.Flags)
	if s.Name != "" {
		parsed.Store = s.Name
	}
	sockets := []string{""}
	own, ownUsesCache := cacheSocket(parsed)
	if ownUsesCache {
		sockets = append(sockets, own)
	}
	if all, err := configHelpers(ctx, ""); err == nil {
		sockets = append(sockets, cacheSocketsOf(all)...)
	}
	ownIsCache := backends.ListHas(s.Name, "cache")
	ownPath := forgetSocket(own)
	seen := map[string]bool{}
	for _, sock := range sockets {
		p := forgetSocket(sock)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		ctx, cancel := context.WithTimeout(ctx, forgetTimeout)
		cache.Forget(ctx, cache.Options{Socket: p}, q, !(ownIsCache && p == ownPath))
		cancel()
	}
}

// CacheSockets returns the sockets (absolute paths) of the cache daemons
// the helper lines of ours git runs for some URL use (the cache store or
// --cache-for), each once, in git's order: the daemons cache status,
// clear and exit act on. None when no line uses one.
func CacheSockets(ctx context.Context) ([]string, error) {
	ours, err := AllOurHelpers(ctx, "")
	if err != nil {
		return nil, err
	}
	return cacheSocketsOf(ours), nil
}

// cacheSocketsOf is the absolute socket of each cache daemon the lines of
// ours among hs use, each once, in order.
func cacheSocketsOf(hs []helperSetting) []string {
	var sockets []string
	for _, h := range oursOf(hs) {
		sock, ok := cacheSocket(ourHelperArgs(h.Value))
		if p := forgetSocket(sock); ok && p != "" && !slices.Contains(sockets, p) {
			sockets = append(sockets, p)
		}
	}
	return sockets
}

// forgetSocket is the absolute path of a --socket value, the default socket
// for ""; "" when there is none.
func forgetSocket(v string) string {
	if v == "" {
		d, err := cache.DefaultSocket()
		if err != nil {
			return ""
		}
		v = d
	}
	p, err := filepath.Abs(v)
	if err != nil {
		return ""
	}
	return p
}
