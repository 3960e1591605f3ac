package cli

import (
	"regexp"
	"strconv"
	"strings"
)

// splitUserinfo splits a URL with a scheme into what comes before its
// userinfo ("https://"), the userinfo, and the rest from the host on.
// secret says whether the userinfo may hold a secret: everything in an
// http(s) or other URL (a token can be the user name), a password in an
// SSH URL (a bare SSH user name, like git@, is kept). scp-like SSH
// addresses (git@host:path) have no room for a password and are left alone.
func splitUserinfo(raw string) (prefix, userinfo, rest string, secret bool) {
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

// redactURL removes from a URL the userinfo that may hold a token
// (https://ci:ghp_...@github.com/o/r -> https://github.com/o/r), for
// every URL a command prints. Anything that is not such a URL is returned
// as it is.
func redactURL(raw string) string {
	prefix, _, rest, secret := splitUserinfo(raw)
	if !secret {
		return raw
	}
	return prefix + rest
}

// urlPattern is a POSIX extended regular expression that matches raw
// exactly, except that the secret userinfo is matched by its length, not
// its text: git remote set-url takes it on its command line, which other
// users can read in /proc.
func urlPattern(raw string) string {
	prefix, userinfo, rest, secret := splitUserinfo(raw)
	if !secret {
		return "^" + quoteERE(raw) + "$"
	}
	return "^" + quoteERE(prefix) + "[^@/]{" + strconv.Itoa(len(userinfo)) + "}@" + quoteERE(rest) + "$"
}

var (
	// scheme://userinfo@ anywhere in a command line.
	userinfoInText = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s'"]*@`)
	// key=value pairs that carry secrets: git's credential protocol
	// (password=, oauth_refresh_token=, credential=) and the usual names.
	secretAssignment = regexp.MustCompile(`(?i)\b(password|passwd|pass|pwd|token|[a-z_]*_token|secret|credential)=([^\s;'"&|)]+)`)
	// --password X, --token=X and the like.
	secretFlag = regexp.MustCompile(`(?i)(--?(?:password|passwd|pass|token|secret))(=|\s+)([^\s;'"&|)-][^\s;'"&|)]*)`)
	// Tokens in a known format, wherever they appear.
	knownToken = regexp.MustCompile(`\b(?:github_pat_|gh[pousr]_|glpat-)[A-Za-z0-9_.-]+`)
)

// redactHelper masks what may be a secret in another helper's configured
// value before it is printed: an inline "!f() { echo password=...; }"
// helper, a token given as a flag, a URL with userinfo, a token in a known
// format.
func redactHelper(v string) string {
	v = userinfoInText.ReplaceAllString(v, "$1")
	v = secretAssignment.ReplaceAllString(v, "$1=****")
	v = secretFlag.ReplaceAllString(v, "$1$2****")
	return knownToken.ReplaceAllStringFunc(v, MaskToken)
}
