//go:build linux

package backends

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	dbus "github.com/godbus/dbus/v5"

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

const (
	ssName       = "org.freedesktop.secrets"
	ssPath       = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
	ssItem       = "org.freedesktop.Secret.Item"
	ssPrompt     = "org.freedesktop.Secret.Prompt"
	ssIsLocked   = "org.freedesktop.Secret.Error.IsLocked"
	noPrompt     = dbus.ObjectPath("/")
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

// ssSecret is the Secret Service's Secret struct (oayays).
type ssSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// ssItemInfo is one item: its identity from the attributes and, once
// loadSecrets ran, its secret parts.
type ssItemInfo struct {
	path   dbus.ObjectPath
	schema string
	cred   credential.Credential
	order  int64 // nanoseconds; larger is more recent
}

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
		// the secrets, fetched only when q carries a password to compare.
		items, err := s.describe(unlocked, func(it ssItemInfo) bool {
			ours := it.schema == schemaPat || it.schema == schemaGit || (it.schema == schemaNetwork && q.Protocol != "")
			return ours && credential.Covers(q, it.cred)
		})
		if err != nil {
			return err
		}
		if q.HasPassword || q.Password != "" {
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

// sessionBusAddress finds the session bus without ever starting one: godbus
// would otherwise fall back to running dbus-launch, which leaves a stray
// dbus-daemon behind every git command.
func sessionBusAddress() (string, error) {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && !strings.HasPrefix(a, "autolaunch:") {
		return a, nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		p := filepath.Join(dir, "bus")
		if fi, err := os.Stat(p); err == nil && fi.Mode().Type() == fs.ModeSocket {
			return "unix:path=" + dbus.EscapeBusAddressValue(p), nil
		}
	}
	return "", unavailable(nil, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR/bus does not exist): start one by logging in to a desktop session or running under dbus-run-session")
}

// ssClient is one private connection to the Secret Service. Private, not
// dbus.SessionBus: that is cached per process, bound to the first address
// it saw, and must not be closed when a deadline passes.
type ssClient struct {
	conn    *dbus.Conn
	session dbus.ObjectPath // opened on first need
}

// dialSecretService connects to addr; ctx ending closes the connection,
// which unblocks any call still waiting for a stuck keyring.
func dialSecretService(ctx context.Context, addr string) (*ssClient, error) {
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unavailable(err, "cannot connect to the D-Bus session bus (%v): check DBUS_SESSION_BUS_ADDRESS or log in to a desktop session", err)
	}
	return &ssClient{conn: conn}, nil
}

func (s *ssClient) call(path dbus.ObjectPath, method string, args ...any) *dbus.Call {
	return s.conn.Object(ssName, path).Call(method, 0, args...)
}

// ssErr turns the Secret Service's failures into advice where there is one.
func ssErr(op string, err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case ssIsLocked:
			return unavailable(err, lockedAdvice)
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
			return unavailable(err, "no Secret Service on the session bus: start gnome-keyring (or KeePassXC with Secret Service integration)")
		}
	}
	return fmt.Errorf("keychain: %s: %w", op, err)
}

// search returns the items whose attributes include attrs, in any
// collection, split into unlocked and locked ones.
func (s *ssClient) search(attrs map[string]string) (unlocked, locked []dbus.ObjectPath, err error) {
	if err := s.call(ssPath, ssService+".SearchItems", attrs).Store(&unlocked, &locked); err != nil {
		return nil, nil, ssErr("search", err)
	}
	return unlocked, locked, nil
}

// describe reads each item's attributes and keeps those keep accepts, most
// recent first. Items of other programs' schemas get an empty schema.
func (s *ssClient) describe(paths []dbus.ObjectPath, keep func(ssItemInfo) bool) ([]ssItemInfo, error) {
	var items []ssItemInfo
	for _, p := range paths {
		var props map[string]dbus.Variant
		if err := s.call(p, "org.freedesktop.DBus.Properties.GetAll", ssItem).Store(&props); err != nil {
			return nil, ssErr("reading item", err)
		}
		attrs, _ := props["Attributes"].Value().(map[string]string)
		it := ssItemInfo{path: p, cred: identityOf(attrs)}
		switch schema := attrs["xdg:schema"]; schema {
		case schemaPat, schemaGit, schemaNetwork:
			it.schema = schema
		}
		// Only our own items carry the mark; other helpers' never do.
		it.cred.SecretRef = it.schema == schemaPat && attrs[attrSecretRef] == "1"
		if v, err := strconv.ParseInt(attrs[attrStored], 10, 64); err == nil && it.schema == schemaPat {
			it.order = v
		} else if mod, ok := props["Modified"].Value().(uint64); ok {
			it.order = int64(mod) * int64(time.Second)
		}
		if keep(it) {
			items = append(items, it)
		}
	}
	sortRecent(items)
	return items, nil
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

func (s *ssClient) openSession() (dbus.ObjectPath, error) {
	if s.session != "" {
		return s.session, nil
	}
	// "plain": the secret crosses only the local bus, as with go-keyring.
	var ignored dbus.Variant
	if err := s.call(ssPath, ssService+".OpenSession", "plain", dbus.MakeVariant("")).Store(&ignored, &s.session); err != nil {
		return "", ssErr("opening a session", err)
	}
	return s.session, nil
}

// loadSecrets fetches the secrets of items in one call and decodes them
// into each item's credential. An item whose secret is not returned keeps
// no password, so it is neither eligible nor erased by password.
func (s *ssClient) loadSecrets(items []ssItemInfo) error {
	if len(items) == 0 {
		return nil
	}
	session, err := s.openSession()
	if err != nil {
		return err
	}
	paths := make([]dbus.ObjectPath, len(items))
	for i, it := range items {
		paths[i] = it.path
	}
	var secrets map[dbus.ObjectPath]ssSecret
	if err := s.call(ssPath, ssService+".GetSecrets", paths, session).Store(&secrets); err != nil {
		return ssErr("reading secrets", err)
	}
	for i := range items {
		if sec, ok := secrets[items[i].path]; ok {
			decodeSecret(&items[i].cred, string(sec.Value))
		}
	}
	return nil
}

// defaultCollection returns the collection new items go to, refusing a
// locked one up front rather than triggering an unlock prompt.
func (s *ssClient) defaultCollection() (dbus.ObjectPath, error) {
	var coll dbus.ObjectPath
	if err := s.call(ssPath, ssService+".ReadAlias", "default").Store(&coll); err != nil {
		return "", ssErr("finding the default keyring", err)
	}
	if coll == noPrompt {
		return "", unavailable(nil, "the Secret Service has no default keyring: create one (for example in Passwords and Keys)")
	}
	v, err := s.conn.Object(ssName, coll).GetProperty(ssCollection + ".Locked")
	if err != nil {
		return "", ssErr("checking the default keyring", err)
	}
	if locked, _ := v.Value().(bool); locked {
		return "", unavailable(nil, lockedAdvice)
	}
	return coll, nil
}

func (s *ssClient) create(coll dbus.ObjectPath, c credential.Credential, secret string) error {
	session, err := s.openSession()
	if err != nil {
		return err
	}
	props := map[string]dbus.Variant{
		ssItem + ".Label":      dbus.MakeVariant("git:" + c.URL()),
		ssItem + ".Attributes": dbus.MakeVariant(itemAttrs(c)),
	}
	value := ssSecret{session, []byte{}, []byte(secret), "text/plain; charset=utf8"}
	var item, prompt dbus.ObjectPath
	if err := s.call(coll, ssCollection+".CreateItem", props, value, false).Store(&item, &prompt); err != nil {
		return ssErr("store", err)
	}
	return s.refusePrompt(prompt)
}

func (s *ssClient) delete(item dbus.ObjectPath) error {
	var prompt dbus.ObjectPath
	if err := s.call(item, ssItem+".Delete").Store(&prompt); err != nil {
		return ssErr("deleting an item", err)
	}
	return s.refusePrompt(prompt)
}

// refusePrompt dismisses a prompt the service asks for (it wants the user
// to unlock something): a credential helper must never pop up a dialog.
func (s *ssClient) refusePrompt(prompt dbus.ObjectPath) error {
	if prompt == "" || prompt == noPrompt {
		return nil
	}
	_ = s.call(prompt, ssPrompt+".Dismiss").Err // best effort; the error below says it all
	return unavailable(nil, lockedAdvice)
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
