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

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/dbus"
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

// ssItemInfo is one item: its identity from the attributes and, once
// loadSecrets ran, its secret parts.
type ssItemInfo struct {
	path   dbus.ObjectPath
	schema string
	cred   credential.Credential
	order  int64 // nanoseconds; larger is more recent
}

// sessionBusAddress finds the session bus without ever starting one
// (autolaunch: would run dbus-launch, which leaves a stray dbus-daemon
// behind every git command).
func sessionBusAddress() (string, error) {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && !strings.HasPrefix(a, "autolaunch:") {
		return a, nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		p := filepath.Join(dir, "bus")
		if fi, err := os.Stat(p); err == nil && fi.Mode().Type() == fs.ModeSocket {
			return "unix:path=" + dbus.EscapeValue(p), nil
		}
	}
	return "", unavailable(nil, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR/bus does not exist): start one by logging in to a desktop session or running under dbus-run-session")
}

// ssClient is one private connection to the Secret Service, used under
// one context: each call gives up when ctx ends, which unblocks a call
// still waiting for a stuck keyring.
type ssClient struct {
	ctx     context.Context
	conn    *dbus.Conn
	session dbus.ObjectPath // opened on first need
	retried bool            // a call failed for a caller not yet registered (see call)
	called  bool            // a call has been answered: the service knows this caller
}

// dialSecretService connects to addr for the calls made under ctx.
func dialSecretService(ctx context.Context, addr string) (*ssClient, error) {
	conn, err := dbus.Dial(ctx, addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unavailable(err, "cannot connect to the D-Bus session bus (%v): check DBUS_SESSION_BUS_ADDRESS or log in to a desktop session", err)
	}
	return &ssClient{ctx: ctx, conn: conn}, nil
}

// call calls method ("interface.Member") on the service's object at path
// and stores the reply's values into out (see dbus.As).
func (s *ssClient) call(path dbus.ObjectPath, method string, args []any, out ...any) error {
	dot := strings.LastIndexByte(method, '.')
	body, err := s.conn.Call(s.ctx, ssName, path, method[:dot], method[dot+1:], args...)
	if notReadyForCaller(err) && !s.retried {
		// gnome-keyring registers a new connection in an idle callback
		// that can run after that connection's first call, which then
		// fails "not implemented" (and logs "assertion 'client'
		// failed"). By the time it has answered, the caller is known:
		// ask again, once per connection.
		s.retried = true
		body, err = s.conn.Call(s.ctx, ssName, path, method[:dot], method[dot+1:], args...)
	}
	s.called = true
	if err != nil || len(out) == 0 {
		return err
	}
	return dbus.Store(body, out...)
}

// notReadyForCaller reports the error a Secret Service method gives when
// the service has not yet registered the connection that called it:
// UnknownMethod, for a method every Secret Service has. Nothing was done,
// so the call can be repeated.
func notReadyForCaller(err error) bool {
	var de *dbus.Error
	return errors.As(err, &de) && de.Name == "org.freedesktop.DBus.Error.UnknownMethod"
}

// ssErr turns the Secret Service's failures into advice where there is one.
func ssErr(op string, err error) error {
	var de *dbus.Error
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
	if err := s.call(ssPath, ssService+".SearchItems", []any{attrs}, &unlocked, &locked); err != nil {
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
		if err := s.call(p, "org.freedesktop.DBus.Properties.GetAll", []any{ssItem}, &props); err != nil {
			return nil, ssErr("reading item", err)
		}
		var attrs map[string]string
		_ = dbus.As(props["Attributes"].Value, &attrs) // not a{ss}: no attributes
		it := ssItemInfo{path: p, cred: identityOf(attrs)}
		switch schema := attrs["xdg:schema"]; schema {
		case schemaPat, schemaGit, schemaNetwork:
			it.schema = schema
		}
		// Only our own items carry the mark; other helpers' never do.
		it.cred.SecretRef = it.schema == schemaPat && attrs[attrSecretRef] == "1"
		if v, err := strconv.ParseInt(attrs[attrStored], 10, 64); err == nil && it.schema == schemaPat {
			it.order = v
		} else if mod, ok := props["Modified"].Value.(uint64); ok {
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
	if err := s.call(ssPath, ssService+".OpenSession", []any{"plain", dbus.MakeVariant("")}, &ignored, &s.session); err != nil {
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
	// a{o(oayays)}: item path to Secret struct.
	var secrets dbus.Dict
	if err := s.call(ssPath, ssService+".GetSecrets", []any{paths, session}, &secrets); err != nil {
		return ssErr("reading secrets", err)
	}
	values := make(map[dbus.ObjectPath][]byte, len(secrets))
	for _, e := range secrets {
		path, _ := e.Key.(dbus.ObjectPath)
		if sec, ok := e.Value.(dbus.Struct); ok && len(sec) == 4 {
			if v, ok := sec[2].([]byte); ok {
				values[path] = v
			}
		}
	}
	for i := range items {
		if v, ok := values[items[i].path]; ok {
			decodeSecret(&items[i].cred, string(v))
		}
	}
	return nil
}

// defaultCollection returns the collection new items go to, refusing a
// locked one up front rather than triggering an unlock prompt.
func (s *ssClient) defaultCollection() (dbus.ObjectPath, error) {
	var coll dbus.ObjectPath
	first := !s.called
	err := s.call(ssPath, ssService+".ReadAlias", []any{"default"}, &coll)
	if err == nil && coll == noPrompt && first {
		// The same race as in call, answered differently: gnome-keyring
		// looks the collection up as the caller, and a caller it has not
		// registered yet finds none, so the first call says "no default
		// keyring". Asked again, the answer is the real one.
		err = s.call(ssPath, ssService+".ReadAlias", []any{"default"}, &coll)
	}
	if err != nil {
		return "", ssErr("finding the default keyring", err)
	}
	if coll == noPrompt {
		return "", unavailable(nil, "the Secret Service has no default keyring: create one (for example in Passwords and Keys)")
	}
	var v dbus.Variant
	if err := s.call(coll, "org.freedesktop.DBus.Properties.Get", []any{ssCollection, "Locked"}, &v); err != nil {
		return "", ssErr("checking the default keyring", err)
	}
	if locked, _ := v.Value.(bool); locked {
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
	// The Secret struct (oayays): session, parameters, value, content type.
	value := dbus.Struct{session, []byte{}, []byte(secret), "text/plain; charset=utf8"}
	var item, prompt dbus.ObjectPath
	if err := s.call(coll, ssCollection+".CreateItem", []any{props, value, false}, &item, &prompt); err != nil {
		return ssErr("store", err)
	}
	return s.refusePrompt(prompt)
}

func (s *ssClient) delete(item dbus.ObjectPath) error {
	var prompt dbus.ObjectPath
	if err := s.call(item, ssItem+".Delete", nil, &prompt); err != nil {
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
	_ = s.call(prompt, ssPrompt+".Dismiss", nil) // best effort; the error below says it all
	return unavailable(nil, lockedAdvice)
}
