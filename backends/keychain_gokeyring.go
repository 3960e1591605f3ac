//go:build darwin || windows

package backends

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// On macOS and Windows the keychain is reached through go-keyring, whose
// API is Set/Get/Delete by (service, account) and cannot search. So each
// "git:<protocol>://<host>" also has an index item (account indexAccount)
// listing the path and username of every credential stored under it, most
// recent first: that is how a get without a username, or for a repository
// below an owner's path, finds its entry.
//
// Limitations: only items this helper wrote (and indexed) are found; a
// query without protocol and host finds nothing; a credential without a
// username and one with an empty username share one item; List is not
// available.

// indexAccount is the account of a host's index item.
const indexAccount = "git-credential-pat index"

func keychainSupported() error { return nil }

// indexKey is one index line: the rest of a credential's identity, and
// whether its password is a secret reference stored with login --ref (the
// items themselves have no attributes to carry that mark).
type indexKey struct {
	path, user string
	hasUser    bool
	secretRef  bool
}

func (k indexKey) cred(protocol, host string) credential.Credential {
	return credential.Credential{Protocol: protocol, Host: host, Path: k.path, Username: k.user, HasUsername: k.hasUser, SecretRef: k.secretRef}
}

func indexService(protocol, host string) string {
	return keychainService(credential.Credential{Protocol: protocol, Host: host})
}

func readIndex(protocol, host string) ([]indexKey, error) {
	s, err := keyring.Get(indexService(protocol, host), indexAccount)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keychain: reading the index for %s: %w", indexService(protocol, host), err)
	}
	var keys []indexKey
	for _, line := range strings.Split(s, "\n") {
		v, ok := parseAttrs(line)
		if !ok || line == "" {
			continue
		}
		_, hasUser := v["user"]
		keys = append(keys, indexKey{path: v["path"], user: v["user"], hasUser: hasUser, secretRef: v["ref"] == "1"})
	}
	return keys, nil
}

// writeIndex saves keys, dropping the oldest when the item would exceed
// the platform's size limit, and deletes the index when it is empty.
func writeIndex(protocol, host string, keys []indexKey) error {
	service := indexService(protocol, host)
	if len(keys) == 0 {
		if err := keyring.Delete(service, indexAccount); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return fmt.Errorf("keychain: deleting the index for %s: %w", service, err)
		}
		return nil
	}
	lines := make([]string, 0, len(keys))
	size := 0
	for _, k := range keys {
		v := attrs{"path": k.path}
		if k.hasUser {
			v.set("user", k.user)
		}
		if k.secretRef {
			v.set("ref", "1")
		}
		line := v.encode()
		if size+len(line)+1 > maxSecretBytes {
			break
		}
		size += len(line) + 1
		lines = append(lines, line)
	}
	if err := keyring.Set(service, indexAccount, strings.Join(lines, "\n")); err != nil {
		return fmt.Errorf("keychain: writing the index for %s: %w", service, err)
	}
	return nil
}

// Get returns the credential credential.Entries.Find picks among those
// indexed for q's host (the most specific eligible one, then the most
// recent).
func (k *KeychainStore) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	var found credential.Credential
	err := k.run(ctx, "get", func(context.Context) error {
		if q.Protocol == "" || q.Host == "" {
			return credential.ErrNotFound
		}
		keys, err := readIndex(q.Protocol, q.Host)
		if err != nil {
			return err
		}
		var entries credential.Entries // index order: most recent first
		for _, key := range keys {
			c := key.cred(q.Protocol, q.Host)
			if !credential.Covers(q, c) {
				continue
			}
			secret, err := keyring.Get(keychainService(c), c.Username)
			if errors.Is(err, keyring.ErrNotFound) {
				continue // deleted behind our back; Store or Erase will tidy the index
			}
			if err != nil {
				return fmt.Errorf("keychain: get %s: %w", keychainService(c), err)
			}
			decodeSecret(&c, secret)
			entries = append(entries, c)
		}
		c, ok := entries.Find(q, time.Now())
		if !ok {
			return credential.ErrNotFound
		}
		found = c
		return nil
	})
	if err != nil {
		return credential.Credential{}, err
	}
	return found, nil
}

// Store writes c's item (replacing the one with the same key) and moves
// its key to the front of the host's index.
func (k *KeychainStore) Store(ctx context.Context, c credential.Credential) error {
	secret, err := encodeSecret(c)
	if err != nil {
		return err
	}
	return k.run(ctx, "store", func(context.Context) error {
		if err := keyring.Set(keychainService(c), c.Username, secret); err != nil {
			if errors.Is(err, keyring.ErrSetDataTooBig) {
				return fmt.Errorf("keychain: store %s: too big for the %s limit of about %d bytes; use --store file", keychainService(c), secretLimitName, maxSecretBytes)
			}
			return fmt.Errorf("keychain: store %s: %w", keychainService(c), err)
		}
		keys, err := readIndex(c.Protocol, c.Host)
		if err != nil {
			return err
		}
		out := []indexKey{{path: c.Path, user: c.Username, hasUser: c.HasUsername, secretRef: c.SecretRef}}
		for _, key := range keys {
			if key.path != c.Path || key.user != c.Username {
				out = append(out, key)
			}
		}
		return writeIndex(c.Protocol, c.Host, out)
	})
}

// Erase deletes every indexed credential of q's host that
// credential.Erasable selects for q.
func (k *KeychainStore) Erase(ctx context.Context, q credential.Credential) error {
	return k.run(ctx, "erase", func(context.Context) error {
		if q.Protocol == "" || q.Host == "" {
			return nil // nothing can be found without them (see above)
		}
		keys, err := readIndex(q.Protocol, q.Host)
		if err != nil {
			return err
		}
		var keep []indexKey
		for _, key := range keys {
			c := key.cred(q.Protocol, q.Host)
			// Covers is wider than Erasable on identity; the exact rule
			// needs the secret when q carries a password or an authtype
			// credential to compare.
			if !credential.Covers(q, c) {
				keep = append(keep, key)
				continue
			}
			service := keychainService(c)
			if q.HasPassword || q.Password != "" || q.Credential != "" {
				secret, err := keyring.Get(service, c.Username)
				if errors.Is(err, keyring.ErrNotFound) {
					continue // already gone: drop it from the index
				}
				if err != nil {
					return fmt.Errorf("keychain: erase %s: %w", service, err)
				}
				decodeSecret(&c, secret)
			}
			if !credential.Erasable(q, c) {
				keep = append(keep, key)
				continue
			}
			if err := keyring.Delete(service, c.Username); err != nil && !errors.Is(err, keyring.ErrNotFound) {
				return fmt.Errorf("keychain: erase %s: %w", service, err)
			}
		}
		if len(keep) == len(keys) {
			return nil
		}
		return writeIndex(q.Protocol, q.Host, keep)
	})
}
