package credential

import (
	"errors"
	"strings"
)

// ParseURL splits a URL into credential fields the way git's
// credential_from_url does: proto://[user[:pass]@]host[:port][/path], with
// percent-decoding, the host ending at the first '/', '?' or '#', and
// leading and trailing slashes trimmed from the path. Components that
// decode to a newline, CR or NUL are refused, as git refuses them.
func ParseURL(raw string) (Credential, error) {
	var c Credential
	proto, rest, ok := strings.Cut(raw, "://")
	if !ok || proto == "" {
		return c, errors.New("url has no protocol (expected proto://host/...)")
	}
	c.Protocol = proto
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	authority, tail := rest[:hostEnd], rest[hostEnd:]
	// git looks for the first '@' and ':' anywhere in the remainder, but only
	// treats them as userinfo when they come before the host's end.
	if at := strings.IndexByte(authority, '@'); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		if user, pass, hasPass := strings.Cut(userinfo, ":"); hasPass {
			c.SetUsername(unescape(user))
			c.SetPassword(unescape(pass))
		} else {
			c.SetUsername(unescape(userinfo))
		}
	}
	c.Host, c.HasHost = unescape(authority), true // "https:///x" has an empty host, as in git
	c.Path = unescape(strings.Trim(tail, "/"))
	for name, v := range map[string]string{"protocol": c.Protocol, "host": c.Host, "path": c.Path, "username": c.Username, "password": c.Password} {
		if strings.ContainsAny(v, "\n\r\x00") {
			return Credential{}, errors.New("url " + name + " contains a newline, carriage return or NUL")
		}
	}
	return c, nil
}

func unhex(b byte) (byte, bool) {
	switch {
	case '0' <= b && b <= '9':
		return b - '0', true
	case 'a' <= b && b <= 'f':
		return b - 'a' + 10, true
	case 'A' <= b && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

// unescape percent-decodes s; a malformed escape is kept literally, as git does.
func unescape(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func reservedOrUnreserved(c byte) bool {
	return unreserved(c) || strings.IndexByte("!*'();:@&=+$,/?#[]", c) >= 0
}

func escape(s string, keep func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// EscapeUserinfo percent-encodes everything but RFC 3986 unreserved
// characters, as git-credential-store does for usernames and passwords.
func EscapeUserinfo(s string) string { return escape(s, unreserved) }

// EscapeHostPath percent-encodes what is neither reserved nor unreserved,
// as git-credential-store does for hosts and paths.
func EscapeHostPath(s string) string { return escape(s, reservedOrUnreserved) }

// EscapeQuery encodes s for a query component as net/url's QueryEscape
// does: unreserved characters stay, a space becomes '+', every other byte
// is %XX. It is here, with the other encodings, so the helper git runs
// need not link net/url (whose net/netip start-up it would pay each call).
func EscapeQuery(s string) string {
	return strings.ReplaceAll(escape(s, func(c byte) bool { return unreserved(c) || c == ' ' }), " ", "+")
}

// UnescapeQuery decodes what EscapeQuery writes, as net/url's
// QueryUnescape does: '+' is a space, and a malformed %-escape is an
// error (false), not kept literally as in URLs git reads.
func UnescapeQuery(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) {
				return "", false
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", false
			}
			b.WriteByte(hi<<4 | lo)
			i += 2
		case '+':
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), true
}
