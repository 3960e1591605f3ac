package dbus

import (
	"fmt"
	"strings"
)

// Bus addresses, as the D-Bus specification writes them:
// "transport:key=value,key=value", alternatives separated by ";", values
// %xx-escaped. We connect to unix:path= and unix:abstract= only; that is
// what session buses on Linux offer.

const supported = "only unix:path= and unix:abstract= addresses are supported"

// socketPaths parses address into the sockets to try in order, in
// unixsock.Dial's form: a path, or "@name" for an abstract socket.
// Alternatives of other transports are skipped; an address with none we
// can use is an error naming it.
func socketPaths(address string) ([]string, error) {
	var paths, skipped []string
	for _, alt := range strings.Split(address, ";") {
		if alt == "" {
			continue
		}
		transport, params, ok := strings.Cut(alt, ":")
		if !ok {
			return nil, fmt.Errorf("dbus: bad bus address %q: %q has no transport (want for example unix:path=/run/user/1000/bus)", address, alt)
		}
		kv := map[string]string{}
		if params != "" {
			for _, p := range strings.Split(params, ",") {
				k, v, ok := strings.Cut(p, "=")
				if !ok || k == "" {
					return nil, fmt.Errorf("dbus: bad bus address %q: %q is not key=value", address, p)
				}
				uv, err := unescape(v)
				if err != nil {
					return nil, fmt.Errorf("dbus: bad bus address %q: %v", address, err)
				}
				if _, dup := kv[k]; dup {
					return nil, fmt.Errorf("dbus: bad bus address %q: %s= given twice", address, k)
				}
				kv[k] = uv
			}
		}
		if transport != "unix" {
			skipped = append(skipped, transport+":")
			continue
		}
		path, hasPath := kv["path"]
		abstract, hasAbstract := kv["abstract"]
		switch {
		case hasPath && hasAbstract:
			return nil, fmt.Errorf("dbus: bad bus address %q: unix: with both path= and abstract=", address)
		case hasPath && path != "":
			paths = append(paths, path)
		case hasAbstract && abstract != "":
			paths = append(paths, "@"+abstract)
		default:
			// dir=, tmpdir= and runtime= tell a server where to listen;
			// a client cannot connect to them.
			skipped = append(skipped, "unix: without path= or abstract= (dir=, tmpdir= and runtime= are for listening)")
		}
	}
	if len(paths) == 0 {
		if len(skipped) == 0 {
			return nil, fmt.Errorf("dbus: empty bus address %q", address)
		}
		return nil, fmt.Errorf("dbus: cannot connect to bus address %q: %s not supported; %s", address, strings.Join(skipped, ", "), supported)
	}
	return paths, nil
}

// unescape undoes the %xx escaping of an address value.
func unescape(v string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+2 >= len(v) {
			return "", fmt.Errorf("%q ends in an incomplete %%xx escape", v)
		}
		hi, ok1 := unhex(v[i+1])
		lo, ok2 := unhex(v[i+2])
		if !ok1 || !ok2 {
			return "", fmt.Errorf("%q has a bad %%xx escape %q", v, v[i:i+3])
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// EscapeValue escapes s for use as a value in a bus address: bytes
// outside [-0-9A-Za-z_/.\*] become %xx.
func EscapeValue(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '/', c == '.', c == '\\', c == '*':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
