//go:build linux

package backends

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// On Linux the keychain is the freedesktop Secret Service, spoken directly
// over D-Bus: go-keyring's API looks items up by (service, user) only, and
// git needs "any user for this host, most recent first" and erase-by-pattern.
//
// Items carry git-credential-libsecret's attributes (protocol, server, port,
// object, user), so either helper finds the other's items, plus our schema
// name, "service" (the name shown on other platforms) and stored_ns (a
// nanosecond store time: the Secret Service's own Modified has one-second
// resolution, too coarse for "most recently stored").

const (
	// The Secret Service has no size limit; this guards against absurd input.
	maxSecretBytes  = 64 << 10
	secretLimitName = "keychain store's"
	stuckAdvice     = "it may be locked behind a prompt or stuck: unlock it, or restart it (gnome-keyring-daemon --replace)"
	lockedAdvice    = "the keyring is locked: unlock it (log in to your desktop session, or unlock the Login keyring in Passwords and Keys)"
)

// Item schemas: ours, and the two git-credential-libsecret has used.
const (
	schemaPat     = "com.github.git-credential-pat"
	schemaGit     = "org.git.Password"
	schemaNetwork = "org.gnome.keyring.NetworkPassword"
	attrStored    = "stored_ns"
	// attrSecretRef = "1" marks an item of our schema whose password is a
	// secret reference stored with login --ref (credential.SecretRef).
	attrSecretRef = "secret_ref"
)

func keychainSupported() error { return nil }

// Get returns the credential credential.Entries.Find picks (the most
// specific eligible one, then the most recent), ours or one
// git-credential-libsecret stored.
func (k *KeychainStore) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	var found credential.Credential
	err := k.with(ctx, "get", func(s *ssClient) error {
		unlocked, locked, err := s.search(searchAttrs(q))
		if err != nil {
			return err
		}
		items, err := s.describe(unlocked, func(it ssItemInfo) bool {
			return it.schema != "" && credential.Covers(q, it.cred)
		})
		if err != nil {
			return err
		}
		if len(items) == 0 && q.Host != "" {
			// A miss may still be answered by a wildcard host ("*.ghe.example.com"):
			// one more search without the server, only on a miss.
			wide := q
			wide.Host = ""
			more, moreLocked, err := s.search(searchAttrs(wide))
			if err != nil {
				return err
			}
			locked = append(locked, moreLocked...)
			if items, err = s.describe(more, func(it ssItemInfo) bool {
				return it.schema != "" && strings.Contains(it.cred.Host, "*") && credential.Covers(q, it.cred)
			}); err != nil {
				return err
			}
		}
		if err := s.loadSecrets(items); err != nil {
			return err
		}
		if c, ok := credentialsOf(items).Find(q, time.Now()); ok {
			found = c
			return nil
		}
		if len(locked) > 0 {
			return unavailable(nil, lockedAdvice)
		}
		return credential.ErrNotFound
	})
	if err != nil {
		return credential.Credential{}, err
	}
	return found, nil
}

// Store writes c as a new item in the default collection and then deletes
// the items it replaces (credential.SameKey), so a failure loses nothing.
func (k *KeychainStore) Store(ctx context.Context, c credential.Credential) error {
	secret, err := encodeSecret(c)
	if err != nil {
		return err
	}
	return k.with(ctx, "store", func(s *ssClient) error {
		coll, err := s.defaultCollection()
		if err != nil {
			return err
		}
		unlocked, _, err := s.search(searchAttrs(c))
		if err != nil {
			return err
		}
		same, err := s.describe(unlocked, func(it ssItemInfo) bool {
			return it.schema != "" && credential.SameKey(it.cred, c)
		})
		if err != nil {
			return err
		}
		if err := s.create(coll, c, secret); err != nil {
			return err
		}
		for _, it := range same {
			if err := s.delete(it.path); err != nil {
				return err
			}
		}
		return nil
	})
}

// Erase deletes every item credential.Erasable selects for q. Items of the
// old NetworkPassword schema are also used by other programs (file
// managers), so they are erased only when q names a protocol.
func (k *KeychainStore) Erase(ctx context.Context, q credential.Credential) error {
	return k.with(ctx, "erase", func(s *ssClient) error {
		unlocked, locked, err := s.search(searchAttrs(q))
		if err != nil {
			return err
		}
		if len(locked) > 0 {
			return unavailable(nil, lockedAdvice)
		}
		// Covers is wider than Erasable on identity; the exact rule needs
		// the secrets, fetched only when q carries a password or an
		// authtype credential to compare.
		items, err := s.describe(unlocked, func(it ssItemInfo) bool {
			ours := it.schema == schemaPat || it.schema == schemaGit || (it.schema == schemaNetwork && q.Protocol != "")
			return ours && credential.Covers(q, it.cred)
		})
		if err != nil {
			return err
		}
		if q.HasPassword || q.Password != "" || q.Credential != "" {
			if err := s.loadSecrets(items); err != nil {
				return err
			}
		}
		for _, it := range items {
			if credential.Erasable(q, it.cred) {
				if err := s.delete(it.path); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// List returns this helper's and git-credential-libsecret's (org.git.Password)
// items, most recent first.
func (k *KeychainStore) List(ctx context.Context) ([]credential.Credential, error) {
	var out []credential.Credential
	err := k.with(ctx, "list", func(s *ssClient) error {
		var all []ssItemInfo
		for _, schema := range []string{schemaPat, schemaGit} {
			unlocked, locked, err := s.search(map[string]string{"xdg:schema": schema})
			if err != nil {
				return err
			}
			if len(locked) > 0 {
				return unavailable(nil, lockedAdvice)
			}
			items, err := s.describe(unlocked, func(ssItemInfo) bool { return true })
			if err != nil {
				return err
			}
			all = append(all, items...)
		}
		sortRecent(all)
		if err := s.loadSecrets(all); err != nil {
			return err
		}
		out = credentialsOf(all)
		return nil
	})
	return out, err
}

// with runs f on a fresh connection under the store's deadline.
func (k *KeychainStore) with(ctx context.Context, op string, f func(*ssClient) error) error {
	addr, err := sessionBusAddress()
	if err != nil {
		return err
	}
	return k.run(ctx, op, func(ctx context.Context) error {
		s, err := dialSecretService(ctx, addr)
		if err != nil {
			return err
		}
		defer s.conn.Close()
		return f(s)
	})
}

// credentialsOf returns the items' credentials in the items' order.
func credentialsOf(items []ssItemInfo) credential.Entries {
	out := make(credential.Entries, len(items))
	for i, it := range items {
		out[i] = it.cred
	}
	return out
}

func sortRecent(items []ssItemInfo) {
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].order != items[j].order {
			return items[i].order > items[j].order
		}
		return items[i].path > items[j].path
	})
}

// searchAttrs gives the libsecret-compatible attributes that narrow a
// search for c: protocol, server, port and user when c names them. The
// path is left out (a stored owner path covers the repositories below it,
// case-insensitively on github.com); the exact rules run on the items found.
func searchAttrs(c credential.Credential) map[string]string {
	a := map[string]string{}
	if c.Protocol != "" {
		a["protocol"] = c.Protocol
	}
	if c.Host != "" {
		server, port := splitPort(c.Host)
		a["server"] = server
		if port != "" {
			a["port"] = port
		}
	}
	if c.HasUsername || c.Username != "" {
		a["user"] = c.Username
	}
	return a
}

// itemAttrs are the attributes of a new item for c: libsecret's (object
// holds the path), our schema, the cross-platform service name, and the
// store time that orders items.
func itemAttrs(c credential.Credential) map[string]string {
	a := searchAttrs(c)
	if c.Path != "" {
		a["object"] = c.Path
	}
	a["xdg:schema"] = schemaPat
	a["service"] = keychainService(c)
	a[attrStored] = strconv.FormatInt(time.Now().UnixNano(), 10)
	if c.SecretRef {
		a[attrSecretRef] = "1"
	}
	return a
}

// identityOf rebuilds protocol, host, path and username from attributes.
func identityOf(a map[string]string) credential.Credential {
	c := credential.Credential{Protocol: a["protocol"], Host: a["server"], Path: a["object"]}
	if port := a["port"]; port != "" && port != "0" {
		c.Host += ":" + port
	}
	if u, ok := a["user"]; ok {
		c.SetUsername(u)
	}
	return c
}

// splitPort splits "host:port" as git-credential-libsecret stores it
// (server and port attributes); "[::1]" and "host:" keep their colons.
func splitPort(host string) (server, port string) {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || i == len(host)-1 || strings.Trim(host[i+1:], "0123456789") != "" {
		return host, ""
	}
	if strings.IndexByte(host[:i], ':') >= 0 && !strings.HasSuffix(host[:i], "]") {
		return host, "" // a bare IPv6 address, not a port
	}
	return host[:i], host[i+1:]
}
