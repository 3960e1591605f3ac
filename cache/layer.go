package cache

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Layer puts the cache in front of inner: Get answers from the cache when
// it has inner's answer to the same query, else asks inner and remembers
// its answer for o.Timeout. Store and Erase go to inner, then make the
// cache forget the answers they may have changed. The cache only saves
// time, so its failures never fail an operation; inner's always do. The
// result is a credential.Lister when inner is one.
//
// identity names inner: the daemon keeps the answers of each identity
// apart, so give two stores that may answer the same query differently
// (two credentials files, two resolvers) different identities, and the
// same store always the same one (backends.StoreIdentity). The cache does
// not read it.
func Layer(inner credential.Store, o Options, identity string) credential.Store {
	c, err := Open(o)
	if err != nil {
		return inner // no usable cache: inner alone still gives the right answers
	}
	l := &layer{inner: inner, cache: c, space: identity}
	if li, ok := inner.(credential.Lister); ok {
		return listingLayer{l, li}
	}
	return l
}

type layer struct {
	inner credential.Store
	cache *Client
	space string // inner's identity
	warn  sync.Once
}

// LayerCallTimeout bounds each exchange of a Layer with the daemon: a
// healthy one answers in well under a millisecond, and past this inner
// answers sooner than the cache would.
const LayerCallTimeout = 2 * time.Second

// cacheFailed says, once, that the daemon does not answer: the operation
// goes on without it, but the user should hear why it was slow.
func (l *layer) cacheFailed(err error) {
	if errors.Is(err, ErrUnresponsive) && l.cache.o.Warn != nil {
		l.warn.Do(func() { l.cache.o.Warn(err.Error() + "; answering without the cache") })
	}
}

// Unwrap returns the store the cache is in front of (see backends.As).
func (l *layer) Unwrap() credential.Store { return l.inner }

func (l *layer) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	c, err := l.cache.lookup(ctx, wire.Request{Action: wire.ActRecall, Space: l.space}, q)
	if err == nil {
		return c, nil
	}
	l.cacheFailed(err)
	c, err = l.inner.Get(ctx, q)
	if err != nil {
		return c, err
	}
	// A peek (credential.Peeking) gets what inner holds, which for a secret
	// reference is the reference, not the answer a get gives: not kept.
	if !credential.IsPeeking(ctx) {
		l.cache.remember(ctx, l.space, q, c) // best effort: the answer is right either way
	}
	return c, nil
}

func (l *layer) Store(ctx context.Context, c credential.Credential) error {
	if err := l.inner.Store(ctx, c); err != nil {
		return err
	}
	l.cacheFailed(l.cache.stored(ctx, c)) // best effort
	return nil
}

// Erase clears the cache even when inner fails, so a credential git has
// just rejected is not served again from memory.
func (l *layer) Erase(ctx context.Context, q credential.Credential) error {
	err := l.inner.Erase(ctx, q)
	l.cacheFailed(l.cache.Erase(ctx, q)) // best effort
	return err
}

// listingLayer lists what inner holds: the cache is only a copy of part of it.
type listingLayer struct {
	*layer
	lister credential.Lister
}

func (l listingLayer) List(ctx context.Context) ([]credential.Credential, error) {
	return l.lister.List(ctx)
}
