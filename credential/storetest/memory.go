// Package storetest holds the conformance suite every credential.Store must
// pass, and an in-memory Store for unit tests of logic built on stores.
package storetest

import (
	"context"
	"sync"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Memory is an in-memory credential.Store. It is for unit tests only: it
// keeps nothing across processes.
type Memory struct {
	mu      sync.Mutex
	entries credential.Entries
	Writes  int // number of Store and Erase calls that changed something
}

func (m *Memory) Get(_ context.Context, q credential.Credential) (credential.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.entries.Find(q, time.Now()); ok {
		return c, nil
	}
	return credential.Credential{}, credential.ErrNotFound
}

func (m *Memory) Store(_ context.Context, c credential.Credential) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries = m.entries.Put(c)
	m.Writes++
	return nil
}

func (m *Memory) Erase(_ context.Context, q credential.Credential) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int
	m.entries, n = m.entries.Remove(q)
	if n > 0 {
		m.Writes++
	}
	return nil
}

func (m *Memory) List(context.Context) ([]credential.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]credential.Credential(nil), m.entries...), nil
}
