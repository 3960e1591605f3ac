package backends

import (
	"context"
	"errors"
	"fmt"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Chain tries stores in order: Get returns the first store's answer, so
// "env,keychain" prefers a token from the environment and falls back to
// the keychain. A store that fails is skipped; its error is returned only
// when no store has an answer (errors.Join of them all), and ErrNotFound
// when none failed. Store and Erase go to every store, so a rejected token
// is erased everywhere; read-only stores (env) ignore them. An error from
// one store does not stop the others; all errors are returned joined.
//
// credential.Server does not store a credential that Get already returns,
// so git's approve of a token from the environment ("env,keychain") does
// not copy it into the writable stores.
//
// The chain implements credential.Lister when any store does, listing the
// stores that can list, in order.
func Chain(stores ...credential.Store) credential.Store {
	if len(stores) == 1 {
		return stores[0]
	}
	c := &chain{stores: stores}
	for _, s := range stores {
		if _, ok := s.(credential.Lister); ok {
			return listingChain{c}
		}
	}
	return c
}

type chain struct {
	stores []credential.Store
}

type listingChain struct{ *chain }

func (c *chain) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	var errs []error
	for _, s := range c.stores {
		found, err := s.Get(ctx, q)
		switch {
		case err == nil:
			return found, nil
		case !errors.Is(err, credential.ErrNotFound):
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return credential.Credential{}, errors.Join(errs...)
	}
	return credential.Credential{}, credential.ErrNotFound
}

func (c *chain) Store(ctx context.Context, cr credential.Credential) error {
	var errs []error
	for _, s := range c.stores {
		if err := s.Store(ctx, cr); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *chain) Erase(ctx context.Context, q credential.Credential) error {
	var errs []error
	for _, s := range c.stores {
		if err := s.Erase(ctx, q); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c listingChain) List(ctx context.Context) ([]credential.Credential, error) {
	var all []credential.Credential
	for _, s := range c.stores {
		if l, ok := s.(credential.Lister); ok {
			es, err := l.List(ctx)
			if err != nil {
				return nil, err
			}
			all = append(all, es...)
		}
	}
	return all, nil
}

// Unwrap returns the stores of the chain, in order (see As).
func (c *chain) Unwrap() []credential.Store { return c.stores }

// As returns the first store of type T in s, looking through the wrappers
// Open adds (Resolving, Chain, and any store with an Unwrap method
// returning a store or a list of them), as errors.As does for errors:
//
//	if f, ok := backends.As[*backends.FileStore](s); ok { ... f.Path ... }
func As[T credential.Store](s credential.Store) (T, bool) {
	if t, ok := s.(T); ok {
		return t, true
	}
	switch u := s.(type) {
	case interface{ Unwrap() credential.Store }:
		return As[T](u.Unwrap())
	case interface{ Unwrap() []credential.Store }:
		for _, in := range u.Unwrap() {
			if t, ok := As[T](in); ok {
				return t, true
			}
		}
	}
	var zero T
	return zero, false
}

// openList opens the store called name, or a Chain for a comma-separated
// list ("env,keychain"), each store resolving secret references (see
// Resolving).
func openList(name string, o Options, wrap Wrapper) (credential.Store, error) {
	names := ListNames(name)
	stores := make([]credential.Store, 0, len(names))
	for i, n := range names {
		if n == "" {
			return nil, fmt.Errorf("store list %q has an empty name: separate store names with single commas (for example --store env,keychain)", name)
		}
		for _, prev := range names[:i] {
			if prev == n {
				return nil, fmt.Errorf("store list %q names %q twice", name, n)
			}
		}
		s, err := openOne(n, o)
		if err != nil {
			return nil, err
		}
		s = Resolving(s, o)
		if wrap != nil {
			s = wrap(lookup(n), s, o)
		}
		stores = append(stores, s)
	}
	return Chain(stores...), nil
}
