//go:build linux

package backends

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	dbus "github.com/godbus/dbus/v5"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// A client of the freedesktop Secret Service over D-Bus: sessions, search,
// secrets, items and prompts. keychain_linux.go adapts it to
// credential.Store.

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
