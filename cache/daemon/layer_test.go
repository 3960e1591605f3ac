//go:build unix

package daemon

import (
	"context"
	"errors"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// failing is an inner store that is down.
type failing struct{}

var errDown = errors.New("inner store down")

func (failing) Get(context.Context, credential.Credential) (credential.Credential, error) {
	return credential.Credential{}, errDown
}
func (failing) Store(context.Context, credential.Credential) error { return errDown }
func (failing) Erase(context.Context, credential.Credential) error { return errDown }

func TestLayer(t *testing.T) {
	a := cred("a.tld", "pa")
	tests := []struct {
		name string
		run  func(t *testing.T, o cache.Options)
	}{
		{"get remembers inner's answer", func(t *testing.T, o cache.Options) {
			inner := &storetest.Memory{}
			inner.Store(ctxT(t), a)
			l := cache.Layer(inner, o, "")
			if got, err := l.Get(ctxT(t), cred("a.tld", "")); err != nil || got.Password != "pa" {
				t.Fatalf("get = %q, %v", got.Password, err)
			}
			inner.Erase(ctxT(t), cred("a.tld", ""))
			if got, err := l.Get(ctxT(t), cred("a.tld", "")); err != nil || got.Password != "pa" {
				t.Errorf("second get = %q, %v; want it from the cache", got.Password, err)
			}
		}},
		{"store and erase keep the cache in step with inner", func(t *testing.T, o cache.Options) {
			inner := &storetest.Memory{}
			l := cache.Layer(inner, o, "")
			get := func() string {
				got, err := l.Get(ctxT(t), cred("a.tld", ""))
				if err != nil && !errors.Is(err, credential.ErrNotFound) {
					t.Fatal(err)
				}
				return got.Password
			}
			steps := []struct {
				do   func() error
				want string
			}{
				{func() error { return l.Store(ctxT(t), a) }, "pa"},
				{func() error { return l.Store(ctxT(t), cred("a.tld", "new")) }, "new"},
				{func() error { return l.Erase(ctxT(t), cred("a.tld", "")) }, ""},
			}
			for i, st := range steps {
				if err := st.do(); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				for range 2 { // from inner, then from the cache
					if got := get(); got != st.want {
						t.Errorf("step %d: get = %q, want %q", i, got, st.want)
					}
				}
			}
			if st, err := cache.Status(o); err != nil || !st.Running {
				t.Errorf("status = %+v, %v; want the daemon started by get", st, err)
			}
		}},
		{"a broken cache fails nothing", func(t *testing.T, o cache.Options) {
			o.Exe = "/nonexistent/git-credential-pat"
			inner := &storetest.Memory{}
			l := cache.Layer(inner, o, "")
			if err := l.Store(ctxT(t), a); err != nil {
				t.Errorf("store: %v", err)
			}
			if got, err := l.Get(ctxT(t), cred("a.tld", "")); err != nil || got.Password != "pa" {
				t.Errorf("get = %q, %v", got.Password, err)
			}
			if err := l.Erase(ctxT(t), cred("a.tld", "")); err != nil {
				t.Errorf("erase: %v", err)
			}
		}},
		{"inner failures are errors and are not cached", func(t *testing.T, o cache.Options) {
			l := cache.Layer(failing{}, o, "")
			if err := l.Store(ctxT(t), a); !errors.Is(err, errDown) {
				t.Errorf("store: %v, want %v", err, errDown)
			}
			if _, err := l.Get(ctxT(t), cred("a.tld", "")); !errors.Is(err, errDown) {
				t.Errorf("get: %v, want %v", err, errDown)
			}
			if got := mustGet(t, mustOpen(t, o), "a.tld"); got != "" {
				t.Errorf("cache holds %q after inner refused the store", got)
			}
		}},
		{"erase clears the cache even when inner fails", func(t *testing.T, o cache.Options) {
			if err := mustOpen(t, o).Store(ctxT(t), a); err != nil {
				t.Fatal(err)
			}
			if err := cache.Layer(failing{}, o, "").Erase(ctxT(t), cred("a.tld", "")); !errors.Is(err, errDown) {
				t.Errorf("erase: %v, want %v", err, errDown)
			}
			if got := mustGet(t, mustOpen(t, o), "a.tld"); got != "" {
				t.Errorf("cache still holds %q", got)
			}
		}},
		{"an empty host is its own query, not a query without host", func(t *testing.T, o cache.Options) {
			inner := &storetest.Memory{}
			inner.Store(ctxT(t), a)
			l := cache.Layer(inner, o, "")
			anyHost := credential.Credential{Protocol: "https"}
			if got, err := l.Get(ctxT(t), anyHost); err != nil || got.Password != "pa" {
				t.Fatalf("get without host = %q, %v", got.Password, err)
			}
			noHost := credential.Credential{Protocol: "https", HasHost: true}
			if got, err := l.Get(ctxT(t), noHost); !errors.Is(err, credential.ErrNotFound) {
				t.Errorf("get host= = %q, %v; want not found (the answer for a query without host was recalled)", got.Password, err)
			}
		}},
		{"lists through to inner only when inner lists", func(t *testing.T, o cache.Options) {
			inner := &storetest.Memory{}
			inner.Store(ctxT(t), a)
			l, ok := cache.Layer(inner, o, "").(credential.Lister)
			if !ok {
				t.Fatal("Layer over a Lister is not a Lister")
			}
			if list, err := l.List(ctxT(t)); err != nil || len(list) != 1 {
				t.Errorf("list = %v, %v", list, err)
			}
			if _, ok := cache.Layer(failing{}, o, "").(credential.Lister); ok {
				t.Error("Layer over a non-Lister claims to list")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, testOptions(t)) })
	}
}
