package credential

import "strings"

// SplitUserinfo splits a URL with a scheme into what comes before its
// userinfo ("https://"), the userinfo, and the rest from the host on.
// secret says whether the userinfo may hold a secret: everything in an
// http(s) or other URL (a token can be the user name), a password in an
// SSH URL (a bare SSH user name, like git@, is kept). scp-like SSH
// addresses (git@host:path) have no room for a password and are left alone.
func SplitUserinfo(raw string) (prefix, userinfo, rest string, secret bool) {
	i := strings.Index(raw, "://")
	if i <= 0 {
		return raw, "", "", false
	}
	start := i + 3
	end := len(raw)
	if j := strings.IndexAny(raw[start:], "/?#"); j >= 0 {
		end = start + j
	}
	at := strings.LastIndexByte(raw[start:end], '@')
	if at < 0 {
		return raw, "", "", false
	}
	prefix, userinfo, rest = raw[:start], raw[start:start+at], raw[start+at+1:]
	switch strings.ToLower(raw[:i]) {
	case "ssh", "git+ssh", "ssh+git":
		return prefix, userinfo, rest, strings.Contains(userinfo, ":")
	}
	return prefix, userinfo, rest, true
}

// RedactURL removes from a URL the userinfo that may hold a token
// (https://ci:ghp_...@github.com/o/r -> https://github.com/o/r), for
// every URL a command prints. Anything that is not such a URL is returned
// as it is.
func RedactURL(raw string) string {
	prefix, _, rest, secret := SplitUserinfo(raw)
	if !secret {
		return raw
	}
	return prefix + rest
}

// HostName strips a ":port" from host ("github.com:8443" -> "github.com";
// "[::1]:8443" -> "[::1]").
func HostName(host string) string {
	name, _ := splitPort(host)
	return name
}

// splitPort cuts ":port" off a host as git sends it ("example.com:8443",
// "[::1]:8443"); a host without one has port "". With HostName it is the
// one splitter of host[:port] that matching, the commands and forge rules
// share (the keychain keeps libsecret's own split of its attributes).
func splitPort(host string) (name, port string) {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.LastIndexByte(host, ']') > i {
		return host, ""
	}
	return host[:i], host[i+1:]
}

// Printable replaces with '?' what a terminal acts on instead of showing:
// C0 and C1 control characters (escape sequences start with one), DEL,
// and the bidirectional controls that reorder what is shown. It is for
// text someone else chose that a command prints for a person: a path or
// username that came through git's store, a forge API's answer, an agent
// client's request. Such text must not move the cursor, clear the screen,
// rewrite or forge a line, or retitle the window. Newlines and tabs are
// replaced too: a value is one field on one line. So are bytes that are
// not UTF-8.
func Printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !printableRune(r) }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !printableRune(r) {
			return '?'
		}
		return r
	}, s)
}

func printableRune(r rune) bool {
	switch {
	case r < ' ' || r == 0x7f || 0x80 <= r && r < 0xa0:
		return false
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return false // bidirectional embeddings, overrides, isolates and marks
	case r == 0xfffd:
		return false // a byte that is not UTF-8 (a lone 0x9b is a C1 escape to some terminals)
	}
	return true
}
