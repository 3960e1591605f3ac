package cli

import (
	"regexp"
	"strconv"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// redactURL removes from a URL the userinfo that may hold a token; see
// credential.RedactURL.
func redactURL(raw string) string { return credential.RedactURL(raw) }

// urlPattern is a POSIX extended regular expression that matches raw
// exactly, except that the secret userinfo is matched by its length, not
// its text: git remote set-url takes it on its command line, which other
// users can read in /proc.
func urlPattern(raw string) string {
	prefix, userinfo, rest, secret := credential.SplitUserinfo(raw)
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
	knownToken = regexp.MustCompile(`\b(?:` + forge.PrefixPattern() + `)[A-Za-z0-9_.-]+`)
)

// redactHelper masks what may be a secret in another helper's configured
// value before it is printed: an inline "!f() { echo password=...; }"
// helper, a token given as a flag, a URL with userinfo, a token in a known
// format.
func redactHelper(v string) string {
	v = userinfoInText.ReplaceAllString(v, "$1")
	v = secretAssignment.ReplaceAllString(v, "$1=****")
	v = secretFlag.ReplaceAllString(v, "$1$2****")
	return knownToken.ReplaceAllStringFunc(v, forge.MaskToken)
}
