package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
	forgeapi "github.com/git-credential-pat/git-credential-pat/forge/api"
)

// checkBeforeErase puts the forge check in front of store for git's erase
// (see forgeapi.KeepOnErase): a token the forge's API still calls valid is
// kept, and stderr says in one line why the request was refused and what
// to do. It is the one place the erase check is wired in, so a leaner
// helper binary can call it too. With GIT_CREDENTIAL_PAT_VERIFY=0 (no
// network checks) the store is returned as it is and erase behaves as
// before.
func checkBeforeErase(store credential.Store, stderr io.Writer) credential.Store {
	if cli.VerifyDisabled() {
		return store
	}
	return &eraseGuard{inner: store, stderr: stderr}
}

type eraseGuard struct {
	inner  credential.Store
	stderr io.Writer
}

func (g *eraseGuard) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	return g.inner.Get(ctx, q)
}

func (g *eraseGuard) Store(ctx context.Context, c credential.Credential) error {
	return g.inner.Store(ctx, c)
}

// Erase keeps the token when its forge says it is valid, else erases.
// git sends erase to every helper, so the forge is asked only when the
// store holds an entry the erase would remove: a token another helper
// supplied is none of ours to check or keep.
func (g *eraseGuard) Erase(ctx context.Context, q credential.Credential) error {
	if !g.holds(ctx, q) {
		return g.inner.Erase(ctx, q)
	}
	if keep, why := forgeapi.KeepOnErase(ctx, nil, q); keep {
		fmt.Fprintln(g.stderr, "git-credential-pat: "+credential.Printable(why)) // names the path git sent
		return nil
	}
	return g.inner.Erase(ctx, q)
}

// Unwrap lets backends.As find the store behind the check.
func (g *eraseGuard) Unwrap() credential.Store { return g.inner }

// holds reports whether the store has an entry Erasable for q, looking
// without running anything (a secret reference counts as the token it
// stands for when the rest matches: its secret is not read to compare).
func (g *eraseGuard) holds(ctx context.Context, q credential.Credential) bool {
	selects := func(e credential.Credential) bool {
		if e.SecretRef {
			e.Password, q.Password = "", ""
		}
		return credential.Erasable(q, e)
	}
	if l, ok := g.inner.(credential.Lister); ok {
		all, err := l.List(ctx)
		if err != nil {
			return true // unsure: ask the forge as before
		}
		for _, e := range all {
			if selects(e) {
				return true
			}
		}
		return false
	}
	ask := q
	ask.Password, ask.HasPassword = "", false
	have, err := g.inner.Get(credential.Peeking(ctx), ask)
	if errors.Is(err, credential.ErrNotFound) {
		return false
	}
	if err != nil {
		return true
	}
	_, secret := forgeapi.Secret(have) // a password, or a bearer entry's credential
	return secret && selects(have)
}
