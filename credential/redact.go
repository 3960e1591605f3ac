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
// "[::1]:8443" -> "[::1]"). It is the one splitter of host[:port] that the
// commands and forge rules share.
func HostName(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			return host[:i+1]
		}
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		return host[:i]
	}
	return host
}
