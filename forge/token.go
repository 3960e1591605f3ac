package forge

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// TokenInfo says what kind of token CheckToken recognised.
type TokenInfo struct {
	Kind   string // for example "GitHub classic personal access token"; "" when unknown
	Prefix string // the recognised prefix, for example "ghp_"; "" when unknown
	Forge  string // the forge's Kind ("GitHub", "GitLab", ...), or ""
	Advice string // one line worth telling the user, or ""
}

// TokenError explains why a token was refused. It never quotes the token.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return e.Reason }

// tokenFormat is a prefixed token format a forge documents.
type tokenFormat struct {
	prefix, kind, forge string
}

// Longest prefix first: "github_pat_" must win over nothing, and GitHub's
// four-character prefixes never overlap.
var tokenFormats = []tokenFormat{
	{"github_pat_", "GitHub fine-grained personal access token", "GitHub"},
	{"ghp_", "GitHub classic personal access token", "GitHub"},
	{"gho_", "GitHub OAuth token", "GitHub"},
	{"ghu_", "GitHub App user token", "GitHub"},
	{"ghs_", "GitHub App installation token", "GitHub"},
	{"ghr_", "GitHub refresh token", "GitHub"},
	{"glpat-", "GitLab personal access token", "GitLab"},
	{"glcbt-", "GitLab CI/CD job token", "GitLab"},
	{GitLabDeployTokenPrefix, "GitLab deploy token", "GitLab"},
	{BitbucketAPITokenPrefix, "Bitbucket API token", "Bitbucket"},
	{BitbucketAccessTokenPrefix, "Bitbucket access token", "Bitbucket"},
	{BitbucketAppPasswordPrefix, "Bitbucket app password", "Bitbucket"},
	{BitbucketDCTokenPrefix, "Bitbucket Data Center HTTP access token", KindBitbucketDC},
	// Hugging Face shows its user access tokens as "hf_..."
	// (https://huggingface.co/docs/hub/security-tokens).
	{HuggingFacePrefix, "Hugging Face user access token", KindHuggingFace},
}

// BitbucketDCTokenPrefix starts the HTTP access tokens of recent Bitbucket
// Data Center versions (BBDC- and 40 to 50 more characters, the shape
// secret scanners match: https://github.com/trufflesecurity/trufflehog/pull/4883).
// Atlassian's pages do not document it, and older versions issue tokens
// without a prefix (Atlassian's own example is "MDM0MjM5NDc2MDxx...":
// https://confluence.atlassian.com/display/BITBUCKETSERVER071/Personal+access+tokens),
// so no Bitbucket Data Center token is refused for lacking it.
const BitbucketDCTokenPrefix = "BBDC-"

// HuggingFacePrefix starts every Hugging Face user access token.
const HuggingFacePrefix = "hf_"

// Shape says what a forge's tokens look like, for messages that name the
// right one.
func Shape(kind string) string {
	switch kind {
	case KindGitHub:
		return "github.com tokens start with github_pat_ or ghp_"
	case KindGitLab:
		// https://docs.gitlab.com/security/tokens/#token-prefixes
		return "GitLab personal access tokens start with glpat-"
	case KindBitbucket:
		return "Bitbucket API tokens start with ATATT, access tokens with ATCTT"
	case KindGitea:
		// Gitea/Forgejo access tokens are 40 lowercase hex characters
		// (Gitea's models/auth/access_token.go); the docs do not say so.
		return "Gitea and Forgejo tokens are 40 hex characters"
	case KindHuggingFace:
		return "Hugging Face user access tokens start with hf_"
	case KindBitbucketDC:
		return "recent Bitbucket Data Center HTTP access tokens start with BBDC-"
	}
	return ""
}

const (
	base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	// GitHub's prefixed tokens: 30 random base62 characters, then the CRC32
	// of those 30 characters in base62, left-padded with '0' to 6.
	ghRandomLen   = 30
	ghChecksumLen = 6
	ghBodyLen     = ghRandomLen + ghChecksumLen
	// GitHub documents no length for fine-grained tokens, and says its
	// tokens may grow to 255 characters: "integrators should plan to support
	// tokens up to 255 characters"
	// (https://github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available).
	// So only the 40 characters of today's prefixed tokens are a minimum,
	// and 255 the maximum of any GitHub token.
	ghMaxLen  = 255
	glMinBody = 20
	// Hugging Face documents neither a length nor an alphabet; today's
	// user access tokens are hf_ and 34 letters (the shape secret scanners
	// such as gitleaks match), and tokens from Hugging Face's OAuth are
	// seen as hf_oauth_..., with another _.
	// Only a token clearly cut off is refused; the API checks the rest.
	hfMinBody = 20
)

// GitHubChecksum returns the 6-character base62 CRC32 checksum GitHub
// appends to the 30 random characters of a prefixed token.
func GitHubChecksum(random string) string {
	n := crc32IEEE(random)
	var buf [ghChecksumLen]byte
	for i := range buf {
		buf[i] = '0'
	}
	for i := len(buf) - 1; n > 0 && i >= 0; i-- {
		buf[i] = base62Alphabet[n%62]
		n /= 62
	}
	return string(buf[:])
}

// crc32IEEE is hash/crc32's ChecksumIEEE, bit by bit: it checks a
// token's 30 characters, not bulk data, and hash/crc32 would be linked
// into the lean helper only for this, with a package init that builds its
// table on every start (TestCRC32IEEE and FuzzCRC32IEEE compare the two).
func crc32IEEE(s string) uint32 {
	crc := ^uint32(0)
	for i := 0; i < len(s); i++ {
		crc ^= uint32(s[i])
		for range 8 {
			crc = crc>>1 ^ 0xedb88320&-(crc&1)
		}
	}
	return ^crc
}

// firstBad returns the index of the first byte of s that keep rejects, or -1.
func firstBad(s string, keep func(byte) bool) int {
	for i := 0; i < len(s); i++ {
		if !keep(s[i]) {
			return i
		}
	}
	return -1
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func tokenFormatOf(token string) (tokenFormat, bool) {
	for _, f := range tokenFormats {
		if strings.HasPrefix(token, f.prefix) {
			return f, true
		}
	}
	return tokenFormat{}, false
}

// CheckToken checks a token's shape before it is stored for host: GitHub's
// prefixed formats (with the CRC32 checksum of the classic format) and
// GitLab's glpat- tokens are verified wherever they are used, Hugging
// Face's hf_ tokens on Hugging Face; a token with no known prefix is
// refused only for github.com and Hugging Face, where every current token
// has one. The error explains what is wrong without quoting the token.
func CheckToken(host, token string) (TokenInfo, error) {
	if token == "" {
		return TokenInfo{}, &TokenError{"the token is empty"}
	}
	for i, r := range token {
		switch {
		case r == utf8.RuneError:
			return TokenInfo{}, &TokenError{fmt.Sprintf("the token has an invalid byte at position %d; copy it again", i+1)}
		case r == ' ' || r == '\t':
			return TokenInfo{}, &TokenError{fmt.Sprintf("the token contains a space at position %d; paste only the token", i+1)}
		case r < 0x20 || r == 0x7f:
			return TokenInfo{}, &TokenError{fmt.Sprintf("the token contains a control character at position %d; paste only the token", i+1)}
		case r > 0x7e:
			return TokenInfo{}, &TokenError{fmt.Sprintf("the token contains a non-ASCII character at position %d (a typographic quote or dash?); copy it again", i+1)}
		}
	}
	f, known := tokenFormatOf(token)
	hostForge := Of(host)
	if !known {
		if hostForge == "GitHub" {
			if len(token) == 40 && firstBad(token, func(c byte) bool { return strings.IndexByte("0123456789abcdef", c) >= 0 }) < 0 {
				return TokenInfo{Kind: "GitHub token in the old format (40 hex characters)", Forge: "GitHub",
					Advice: "this is an old-format GitHub token; GitHub now issues tokens starting with github_pat_ or ghp_, which secret scanners recognise"}, nil
			}
			return TokenInfo{}, &TokenError{"github.com tokens start with github_pat_, ghp_, gho_, ghu_, ghs_ or ghr_, and this one does not (a password or the wrong text?); create one at https://github.com/settings/tokens"}
		}
		if hostForge == KindHuggingFace {
			// Passwords stopped working for git on 2023-10-01:
			// https://huggingface.co/blog/password-git-deprecation
			return TokenInfo{}, &TokenError{"Hugging Face user access tokens start with hf_, and this one does not (your account password? Hugging Face no longer takes it for git); create a token with the write role at " + NewTokenURL("huggingface.co")}
		}
		return TokenInfo{}, nil // an unknown format on another host is that host's business
	}
	info := TokenInfo{Kind: f.kind, Prefix: f.prefix, Forge: f.forge}
	if hostForge != "" && hostForge != f.forge {
		msg := fmt.Sprintf("this is a %s (%s...), but the host is %s; use --host with the %s host", f.kind, f.prefix, host, f.forge)
		if shape := Shape(hostForge); shape != "" {
			msg += " (" + shape + ")"
		}
		return info, &TokenError{msg}
	}
	if f.prefix == BitbucketAppPasswordPrefix && hostForge == KindBitbucket {
		return info, &TokenError{BitbucketAppPasswordAdvice}
	}
	body := token[len(f.prefix):]
	switch f.prefix {
	case "github_pat_":
		if i := firstBad(body, func(c byte) bool { return isAlnum(c) || c == '_' }); i >= 0 {
			return info, &TokenError{fmt.Sprintf("%s: unexpected character at position %d (only letters, digits and _); copy it again", f.kind, len(f.prefix)+i+1)}
		}
		if len(body) == 0 {
			return info, &TokenError{fmt.Sprintf("%s is empty after the prefix (cut off while copying?)", f.kind)}
		}
		if len(token) > ghMaxLen {
			return info, &TokenError{fmt.Sprintf("%s is too long: %d characters, GitHub tokens have at most %d (two tokens pasted together?)", f.kind, len(token), ghMaxLen)}
		}
	case "glpat-":
		// Routable GitLab tokens (17.x and later) add ".01.<checksum>".
		if i := firstBad(body, func(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }); i >= 0 {
			return info, &TokenError{fmt.Sprintf("%s: unexpected character at position %d (only letters, digits, _, - and .); copy it again", f.kind, len(f.prefix)+i+1)}
		}
		if len(body) < glMinBody {
			return info, &TokenError{fmt.Sprintf("%s is too short: %d characters after %s, at least %d expected (cut off while copying?)", f.kind, len(body), f.prefix, glMinBody)}
		}
	case HuggingFacePrefix:
		// hf_ is short enough to begin another host's password: its shape
		// is checked only for Hugging Face, where only its tokens go.
		if hostForge != KindHuggingFace {
			break
		}
		if i := firstBad(body, func(c byte) bool { return isAlnum(c) || c == '_' }); i >= 0 {
			return info, &TokenError{fmt.Sprintf("%s: unexpected character at position %d (only letters, digits and _); copy it again", f.kind, len(f.prefix)+i+1)}
		}
		if len(body) < hfMinBody {
			return info, &TokenError{fmt.Sprintf("%s is too short: %d characters after %s, at least %d expected (cut off while copying?)", f.kind, len(body), f.prefix, hfMinBody)}
		}
	case "glcbt-", GitLabDeployTokenPrefix, BitbucketAPITokenPrefix, BitbucketAccessTokenPrefix, BitbucketAppPasswordPrefix, BitbucketDCTokenPrefix:
		// No published length or alphabet: accepted as they are.
	default: // ghp_ gho_ ghu_ ghs_ ghr_
		if i := firstBad(body, func(c byte) bool { return isAlnum(c) }); i >= 0 {
			return info, &TokenError{fmt.Sprintf("%s: unexpected character at position %d (only letters and digits); copy it again", f.kind, len(f.prefix)+i+1)}
		}
		switch {
		case len(body) < ghBodyLen:
			return info, &TokenError{fmt.Sprintf("%s is too short: %d characters after %s, %d expected (cut off while copying?)", f.kind, len(body), f.prefix, ghBodyLen)}
		case len(token) > ghMaxLen:
			return info, &TokenError{fmt.Sprintf("%s is too long: %d characters, GitHub tokens have at most %d (two tokens pasted together?)", f.kind, len(token), ghMaxLen)}
		case len(body) == ghBodyLen && GitHubChecksum(body[:ghRandomLen]) != body[ghRandomLen:]:
			return info, &TokenError{fmt.Sprintf("%s has a wrong checksum (its last 6 characters): a character was changed or lost while copying; copy it again", f.kind)}
		}
		// Longer tokens exist (refresh tokens are) and GitHub may lengthen
		// the others; it documents no checksum for them, so they are
		// accepted as they are.
	}
	if f.prefix == "ghp_" {
		info.Advice = "ghp_ is a classic token with access to all your repositories; fine-grained tokens (github_pat_) can be limited to chosen repositories and permissions: https://github.com/settings/personal-access-tokens/new"
	}
	return info, nil
}

// MaskToken hides a token for display: a known prefix is kept, then
// "****", then the last 4 characters when the token is long enough (20
// characters or more) that they give nothing useful away.
func MaskToken(token string) string {
	if token == "" {
		return ""
	}
	prefix := ""
	if f, ok := tokenFormatOf(token); ok {
		prefix = f.prefix
	}
	if len(token) < 20 || len(token)-len(prefix) < 8 {
		return prefix + "****"
	}
	return prefix + "****" + token[len(token)-4:]
}

// PrefixPattern is a regular expression alternation of every known token
// prefix ("github_pat_|ghp_|..."), for finding tokens in text.
func PrefixPattern() string {
	q := make([]string, len(tokenFormats))
	for i, f := range tokenFormats {
		q[i] = quoteMeta(f.prefix)
	}
	return strings.Join(q, "|")
}

// quoteMeta escapes regular-expression metacharacters as
// regexp.QuoteMeta does; forge does not link regexp, which the helper git
// runs would otherwise initialise on every call.
func quoteMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Redacted (package credential, below every forge) masks a username in a
// token format known here however its random part is spelled: a GitLab
// token whose 20 random characters hold no digit and few capitals looks
// like a name to the shape rule alone.
func init() { credential.KnownToken = LooksLikeToken }

// LooksLikeToken reports whether s is a token in a known format, not a
// name: a known prefix and 8 or more characters after it (so that
// Hugging Face's username hf_user is a name). A URL's username can be a
// token (https://TOKEN@host/...), and a random part may hold no digit,
// which credential.Credential.Redacted looks for.
func LooksLikeToken(s string) bool {
	f, ok := tokenFormatOf(s)
	return ok && len(s)-len(f.prefix) >= 8
}

// KindOf names the kind of a token in a known format ("GitHub classic
// personal access token"), or "" for any other token.
func KindOf(token string) string {
	f, _ := tokenFormatOf(token)
	return f.kind
}
