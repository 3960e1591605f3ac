//go:build linux

package keyringtest

import (
	"errors"
	"fmt"

	dbus "github.com/godbus/dbus/v5"
)

const (
	secretsName  = "org.freedesktop.secrets"
	secretsPath  = "/org/freedesktop/secrets"
	serviceIface = "org.freedesktop.Secret.Service"
	// gnome-keyring's own interface: the only way to unlock without a prompt.
	gnomeIface = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"
)

// defaultCollection returns the path the "default" alias points to. conn
// is new, and gnome-keyring may answer its first call before registering
// it, as a caller that finds no collection ("/"): then it asks again.
func defaultCollection(conn *dbus.Conn) (dbus.ObjectPath, error) {
	var path dbus.ObjectPath
	readAlias := func() error {
		return conn.Object(secretsName, secretsPath).Call(serviceIface+".ReadAlias", 0, "default").Store(&path)
	}
	err := readAlias()
	if err == nil && path == "/" {
		err = readAlias()
	}
	if err != nil {
		return "", fmt.Errorf("reading the default collection: %w", err)
	}
	if path == "/" {
		return "", errors.New("no default collection yet")
	}
	return path, nil
}

// withCollection runs f with a connection and the default collection.
func (k *Keyring) withCollection(what string, f func(*dbus.Conn, dbus.ObjectPath) error) error {
	conn, err := k.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	coll, err := defaultCollection(conn)
	if err == nil {
		err = f(conn, coll)
	}
	if err != nil {
		return fmt.Errorf("keyringtest: %s: %w", what, err)
	}
	return nil
}

// Lock locks the default collection, as a screen lock or timeout would.
func (k *Keyring) Lock() error {
	return k.withCollection("lock", func(conn *dbus.Conn, coll dbus.ObjectPath) error {
		var locked []dbus.ObjectPath
		var prompt dbus.ObjectPath
		err := conn.Object(secretsName, secretsPath).Call(serviceIface+".Lock", 0, []dbus.ObjectPath{coll}).Store(&locked, &prompt)
		if err == nil && len(locked) != 1 {
			err = fmt.Errorf("the service locked %v and asked prompt %s", locked, prompt)
		}
		return err
	})
}

// Unlock unlocks the default collection with Password, without a prompt.
func (k *Keyring) Unlock() error {
	return k.withCollection("unlock", func(conn *dbus.Conn, coll dbus.ObjectPath) error {
		svc := conn.Object(secretsName, secretsPath)
		var ignored dbus.Variant
		var session dbus.ObjectPath
		if err := svc.Call(serviceIface+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&ignored, &session); err != nil {
			return err
		}
		defer conn.Object(secretsName, session).Call("org.freedesktop.Secret.Session.Close", 0)
		secret := struct {
			Session     dbus.ObjectPath
			Parameters  []byte
			Value       []byte
			ContentType string
		}{session, []byte{}, []byte(Password), "text/plain"}
		return svc.Call(gnomeIface+".UnlockWithMasterPassword", 0, coll, secret).Err
	})
}

// Clear deletes every item in the default collection, to reset state
// between tests that share one keyring.
func (k *Keyring) Clear() error {
	return k.withCollection("clear", func(conn *dbus.Conn, coll dbus.ObjectPath) error {
		v, err := conn.Object(secretsName, coll).GetProperty("org.freedesktop.Secret.Collection.Items")
		if err != nil {
			return err
		}
		items, _ := v.Value().([]dbus.ObjectPath)
		for _, item := range items {
			var prompt dbus.ObjectPath
			if err := conn.Object(secretsName, item).Call("org.freedesktop.Secret.Item.Delete", 0).Store(&prompt); err != nil {
				return fmt.Errorf("deleting %s: %w", item, err)
			}
			if prompt != "/" {
				return fmt.Errorf("deleting %s needs a prompt (is the collection locked?)", item)
			}
		}
		return nil
	})
}
