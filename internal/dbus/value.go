package dbus

import (
	"fmt"
	"sort"
)

// The value model. Arguments are encoded from these Go types:
//
//	byte y, bool b, int32 i, uint32 u, int64 x, uint64 t, string s,
//	ObjectPath o, Signature g, Variant v, Struct (...),
//	[]byte ay, []string as, []ObjectPath ao,
//	map[string]string a{ss}, map[string]Variant a{sv}.
//
// Replies decode into the same basic types (plus int16 n, uint16 q,
// float64 d and uint32 for h), []byte for ay, Dict for any other a{..},
// []any for any other array, Struct for a struct and Variant for v. As
// converts a decoded value into a typed destination.

// ObjectPath is a D-Bus object path (type o).
type ObjectPath string

// Signature is a D-Bus type signature (type g).
type Signature string

// Variant is a value with its own signature (type v).
type Variant struct {
	Sig   Signature
	Value any
}

// MakeVariant wraps v, whose signature follows from its Go type.
func MakeVariant(v any) Variant {
	sig, _ := signatureOf(v) // an unsupported type fails when encoded
	return Variant{Sig: Signature(sig), Value: v}
}

// Struct is a D-Bus struct: its fields in order.
type Struct []any

// DictEntry is one key and value of a decoded dictionary.
type DictEntry struct {
	Key, Value any
}

// Dict is a decoded dictionary (a{..}), in wire order.
type Dict []DictEntry

// signatureOf gives the signature of an encodable Go value.
func signatureOf(v any) (string, error) {
	switch v := v.(type) {
	case byte:
		return "y", nil
	case bool:
		return "b", nil
	case int32:
		return "i", nil
	case uint32:
		return "u", nil
	case int64:
		return "x", nil
	case uint64:
		return "t", nil
	case string:
		return "s", nil
	case ObjectPath:
		return "o", nil
	case Signature:
		return "g", nil
	case Variant:
		return "v", nil
	case []byte:
		return "ay", nil
	case []string:
		return "as", nil
	case []ObjectPath:
		return "ao", nil
	case map[string]string:
		return "a{ss}", nil
	case map[string]Variant:
		return "a{sv}", nil
	case Struct:
		if len(v) == 0 {
			return "", fmt.Errorf("dbus: cannot encode an empty struct")
		}
		sig := "("
		for _, f := range v {
			s, err := signatureOf(f)
			if err != nil {
				return "", err
			}
			sig += s
		}
		return sig + ")", nil
	}
	return "", fmt.Errorf("dbus: cannot encode a value of Go type %T", v)
}

// sortedKeys gives a map's keys in order, so a message's bytes do not
// depend on map iteration.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// As stores the decoded value v into dst, a pointer to one of: any, bool,
// byte, int32, uint32, int64, uint64, string, ObjectPath, Signature,
// Variant, Struct, Dict, []any, []byte, []string, []ObjectPath,
// map[string]string or map[string]Variant. A value of another type is an
// error naming both.
func As(v any, dst any) error {
	ok := true
	switch d := dst.(type) {
	case *any:
		*d = v
	case *bool:
		*d, ok = v.(bool)
	case *byte:
		*d, ok = v.(byte)
	case *int32:
		*d, ok = v.(int32)
	case *uint32:
		*d, ok = v.(uint32)
	case *int64:
		*d, ok = v.(int64)
	case *uint64:
		*d, ok = v.(uint64)
	case *string:
		*d, ok = v.(string)
	case *ObjectPath:
		*d, ok = v.(ObjectPath)
	case *Signature:
		*d, ok = v.(Signature)
	case *Variant:
		*d, ok = v.(Variant)
	case *Struct:
		*d, ok = v.(Struct)
	case *Dict:
		*d, ok = v.(Dict)
	case *[]any:
		*d, ok = v.([]any)
	case *[]byte:
		*d, ok = v.([]byte)
	case *[]string:
		*d, ok = sliceOf[string](v)
	case *[]ObjectPath:
		*d, ok = sliceOf[ObjectPath](v)
	case *map[string]string:
		*d, ok = mapOf[string](v)
	case *map[string]Variant:
		*d, ok = mapOf[Variant](v)
	default:
		return fmt.Errorf("dbus: cannot store into a %T", dst)
	}
	if !ok {
		return fmt.Errorf("dbus: reply value of type %T does not fit a %T", v, dst)
	}
	return nil
}

// sliceOf converts a decoded array whose elements are all of type T.
func sliceOf[T any](v any) ([]T, bool) {
	a, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]T, len(a))
	for i, e := range a {
		if out[i], ok = e.(T); !ok {
			return nil, false
		}
	}
	return out, true
}

// mapOf converts a decoded dictionary with string keys and values of type
// V; a repeated key keeps its last value.
func mapOf[V any](v any) (map[string]V, bool) {
	d, ok := v.(Dict)
	if !ok {
		return nil, false
	}
	out := make(map[string]V, len(d))
	for _, e := range d {
		k, ok := e.Key.(string)
		if !ok {
			return nil, false
		}
		if out[k], ok = e.Value.(V); !ok {
			return nil, false
		}
	}
	return out, true
}

// Store stores a reply's body values into dst, one pointer per value (see
// As); the counts must match.
func Store(body []any, dst ...any) error {
	if len(body) != len(dst) {
		return fmt.Errorf("dbus: reply has %d values, want %d", len(body), len(dst))
	}
	for i, v := range body {
		if err := As(v, dst[i]); err != nil {
			return err
		}
	}
	return nil
}
