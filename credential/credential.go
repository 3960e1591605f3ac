// Package credential implements git's credential-helper protocol: the
// Credential type, reading and writing the key=value wire format, git's
// matching rules, and the Store interface every backend implements.
package credential

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Credential holds every attribute git's credential protocol defines
// (git 2.46). Empty strings mean "not given", except for Host, Username and
// Password, whose presence is tracked separately because git
// distinguishes "username=" from no username at all, and "host=" (a URL
// without a host, such as https:///x) from no host.
type Credential struct {
	Protocol string
	Host     string // includes ":port" when git sends one
	Path     string
	Username string
	Password string

	HasHost     bool // host was given, possibly empty
	HasUsername bool // username was given, possibly empty
	HasPassword bool // password was given, possibly empty

	PasswordExpiryUTC int64 // Unix seconds; 0 means no expiry
	OAuthRefreshToken string

	AuthType   string // with Credential, a pre-encoded Authorization value
	Credential string
	Ephemeral  bool

	// SecretRef marks Password as a secret-manager reference that the user
	// stored on purpose (login --ref); only such a password is resolved.
	// Stores keep the mark; git's wire format never carries it, so nothing
	// git sends can set it (Read ignores it, Write never writes it).
	SecretRef bool

	Capabilities []string // capability[]
	WWWAuth      []string // wwwauth[]
	State        []string // state[]

	Continue bool
	Quit     bool
}

// SetUsername sets the username and marks it present.
func (c *Credential) SetUsername(u string) { c.Username, c.HasUsername = u, true }

// SetPassword sets the password and marks it present.
func (c *Credential) SetPassword(p string) { c.Password, c.HasPassword = p, true }

// hasHost reports whether the host counts as given: an empty "host=" is a
// host that must be empty, not a wildcard.
func (c *Credential) hasHost() bool { return c.HasHost || c.Host != "" }

// hasUser reports whether the username counts as given.
func (c *Credential) hasUser() bool { return c.HasUsername || c.Username != "" }

// hasPass reports whether the password counts as given.
func (c *Credential) hasPass() bool { return c.HasPassword || c.Password != "" }

// HasCapability reports whether the request announced capability name.
func (c *Credential) HasCapability(name string) bool {
	for _, v := range c.Capabilities {
		if v == name {
			return true
		}
	}
	return false
}

// Expired reports whether the password's expiry is at or before now.
func (c *Credential) Expired(now time.Time) bool {
	return c.PasswordExpiryUTC != 0 && c.PasswordExpiryUTC <= now.Unix()
}

// Usable reports whether c carries something git can authenticate with.
func (c *Credential) Usable() bool {
	return (c.hasUser() && c.hasPass()) || (c.AuthType != "" && c.Credential != "")
}

// URL renders protocol, host, username and path as a URL without the
// password, for messages and listings.
func (c *Credential) URL() string {
	var b strings.Builder
	b.WriteString(c.Protocol)
	b.WriteString("://")
	if c.Username != "" {
		b.WriteString(escape(c.Username, unreserved))
		b.WriteByte('@')
	}
	b.WriteString(c.Host)
	if c.Path != "" {
		b.WriteByte('/')
		b.WriteString(escape(c.Path, reservedOrUnreserved))
	}
	return b.String()
}

// Redacted returns a copy safe to print or log: secrets are replaced.
// Besides the password, refresh token and authtype credential, that is a
// username shaped like a token (git sends the userinfo of
// https://TOKEN@github.com/o/r as the username) and a protocol that is not
// a URL scheme (a hand-written protocol=https://user:token@host).
func (c Credential) Redacted() Credential {
	mask := func(s string) string {
		if s == "" {
			return s
		}
		return "<redacted>"
	}
	c.Password = mask(c.Password)
	c.OAuthRefreshToken = mask(c.OAuthRefreshToken)
	c.Credential = mask(c.Credential)
	if tokenShaped(c.Username) {
		c.Username = mask(c.Username)
	}
	if CheckProtocol(c.Protocol) != nil {
		c.Protocol = mask(c.Protocol)
	}
	return c
}

// KnownToken, when set, reports whether s is a token in a format a forge
// documents (a known prefix and its random part), which Redacted masks
// whatever its letters. Package forge, the one home of token formats,
// sets it; without it the shape rule below stands alone.
var KnownToken func(s string) bool

// tokenShaped reports whether a username looks like an access token rather
// than a name: 20 or more letters, digits, '_', '-' or '.', with a digit
// or with upper and lower case mixed as random text mixes them (four or
// more of each). Forges' tokens do (ghp_..., glpat-... with GitLab's newer
// ".01." parts, 40 hex characters, Azure's 52, Bitbucket's ATBB...), also
// the few whose random part happens to hold no digit (one GitLab
// "glpat-" token in 30 of 20 random characters); names such as
// "x-access-token", "oauth2", "FirstnameLastname" or an email address do
// not, and stay readable in a trace.
func tokenShaped(s string) bool {
	if KnownToken != nil && KnownToken(s) {
		return true
	}
	if len(s) < 20 {
		return false
	}
	digit, upper, lower := false, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'z':
			lower++
		case 'A' <= c && c <= 'Z':
			upper++
		case c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return digit || upper >= 4 && lower >= 4
}

// Match reports whether stored satisfies query, as git's credential_match:
// every field the query names must equal the stored one; fields it leaves
// out match anything. The password and the authtype credential are
// compared only when matchPassword is set: an erase must not remove an
// entry with another password (git 2.42) or another credential (git 2.46,
// whose erase after a rejected Bearer token names the credential and no
// password). A host given empty ("host=", git's query for https:///x)
// matches only entries without a host, as in git.
func Match(query, stored Credential, matchPassword bool) bool {
	eq := func(want, have string) bool { return want == "" || want == have }
	if !eq(query.Protocol, stored.Protocol) || !eq(query.Path, stored.Path) {
		return false
	}
	if query.hasHost() && query.Host != stored.Host {
		return false
	}
	if query.hasUser() && (!stored.hasUser() || query.Username != stored.Username) {
		return false
	}
	if matchPassword && query.hasPass() && (!stored.hasPass() || query.Password != stored.Password) {
		return false
	}
	if matchPassword && query.Credential != "" && query.Credential != stored.Credential {
		return false
	}
	return true
}

// Covers is the lookup rule for get. It is Match without the password,
// except for paths, where a stored path scopes a token to everything below
// it: a token stored for "org" answers "org/repo.git" (on "/" boundaries),
// and a host-wide token (no path) answers any path as a fallback. On
// github.com owners are case-insensitive, as GitHub treats them.
//
// A stored host may hold "*" labels, as git's urlmatch allows
// ("*.ghe.example.com" answers "code.ghe.example.com", one label per "*").
//
// A requested path with "." or ".." segments, plain or percent-encoded
// ("acme/../evil", "acme/%2e%2e/evil"), is covered by no owner or path
// entry: the server resolves it to another repository than its prefix
// names. Only a host-wide entry answers it.
func Covers(q, stored Credential) bool {
	p := q
	p.Path = ""
	if q.Host != "" && strings.Contains(stored.Host, "*") && hostMatches(stored.Host, q.Host, q.Protocol) {
		p.Host = stored.Host
	}
	return Match(p, stored, false) && pathCovers(stored.Path, q.Path, q.Host)
}

// hostMatches compares host[:port] label by label, "*" matching one label.
// The ports must be the same, as in git's urlmatch: a "*" in the last
// label does not swallow a port ("gitea.*" is not "gitea.example:8443"),
// and protocol's default port is the same as none ("gitea.*" is
// "gitea.example:443" for https, as url_normalize drops it).
func hostMatches(pattern, host, protocol string) bool {
	pattern, patternPort := splitPort(pattern)
	host, hostPort := splitPort(host)
	if defaultPortless(protocol, patternPort) != defaultPortless(protocol, hostPort) {
		return false
	}
	pl := strings.Split(strings.ToLower(pattern), ".")
	hl := strings.Split(strings.ToLower(host), ".")
	if len(pl) != len(hl) {
		return false
	}
	for i := range pl {
		if pl[i] != "*" && pl[i] != hl[i] {
			return false
		}
	}
	return true
}

// defaultPortless is port, or "" when it is protocol's default (443 for
// https, 80 for http), which git's url_normalize drops.
func defaultPortless(protocol, port string) string {
	if protocol == "https" && port == "443" || protocol == "http" && port == "80" {
		return ""
	}
	return port
}

// PathsIgnoreCase reports whether host compares owners and repository
// paths case-insensitively, as github.com does. (It is forge knowledge, kept
// here because Covers, below every forge rule, needs it.)
func PathsIgnoreCase(host string) bool { return host == "github.com" }

func pathCovers(stored, want, host string) bool {
	if stored == "" || want == "" {
		return true
	}
	if HasDotSegment(want) {
		return false
	}
	if PathsIgnoreCase(host) {
		stored, want = strings.ToLower(stored), strings.ToLower(want)
	}
	return want == stored || strings.HasPrefix(want, stored+"/")
}

// HasDotSegment reports whether path has a "." or ".." segment once
// percent-decoded, however many times it was encoded ("%2e%2e",
// "%252e%252e"), with "/" or an encoded "%2f" between segments. Servers and
// proxies differ in how often they decode, so every depth counts.
func HasDotSegment(path string) bool {
	for {
		for _, seg := range strings.Split(path, "/") {
			if seg == "." || seg == ".." {
				return true
			}
		}
		dec := unescape(path)
		if dec == path {
			return false
		}
		path = dec
	}
}

// Specificity ranks entries that Cover a query: a longer stored path is a
// closer fit. When the query has no path, host-wide entries come first.
func Specificity(q, stored Credential) int {
	rank := len(stored.Path) + 1
	if q.Path == "" {
		rank = 0
		if stored.Path == "" {
			rank = 1
		}
	}
	// An exact host beats a wildcard one at the same path depth.
	rank *= 2
	if !strings.Contains(stored.Host, "*") {
		rank++
	}
	return rank
}

// Erasable is the rule for erase: git's Match with the password, plus, when
// git says which token failed, any entry holding that same token whose path
// covers the request (the host-wide or owner token that was just rejected):
// the same password, or the same bearer credential (git 2.46's erase of an
// authtype=Bearer credential, which names no password).
func Erasable(q, stored Credential) bool {
	if Match(q, stored, true) {
		return true
	}
	switch {
	case q.hasPass():
		return stored.hasPass() && q.Password == stored.Password && Covers(q, stored)
	case q.Credential != "":
		return q.Credential == stored.Credential && strings.EqualFold(q.AuthType, stored.AuthType) && Covers(q, stored)
	}
	return false
}

// SameKey reports whether a and b are the same entry for storage: a newer
// credential replaces an older one with the same protocol, host, path and
// username. Unlike git's credential-store, a host-wide store does not wipe
// path-scoped or other users' entries.
func SameKey(a, b Credential) bool {
	return a.Protocol == b.Protocol && a.Host == b.Host && a.Path == b.Path &&
		a.Username == b.Username && a.hasUser() == b.hasUser()
}

// Persistent returns the part of c a store keeps: identity, secrets and
// expiry, without the per-request attributes (capabilities, wwwauth, state).
func (c Credential) Persistent() Credential {
	return Credential{
		Protocol: c.Protocol, Host: c.Host, Path: c.Path,
		Username: c.Username, Password: c.Password,
		HasHost: c.hasHost(), HasUsername: c.hasUser(), HasPassword: c.hasPass(),
		PasswordExpiryUTC: c.PasswordExpiryUTC,
		OAuthRefreshToken: c.OAuthRefreshToken,
		AuthType:          c.AuthType, Credential: c.Credential,
		SecretRef: c.SecretRef,
	}
}

// SamePersistent reports whether a and b would be stored identically. An
// empty host given or not is stored the same way.
func SamePersistent(a, b Credential) bool {
	pa, pb := a.Persistent(), b.Persistent()
	pa.HasHost, pb.HasHost = false, false
	return reflect.DeepEqual(pa, pb)
}

func formatExpiry(v int64) string { return strconv.FormatInt(v, 10) }
