package forge

import (
	"strings"
)

// CIToken is a token a CI platform hands a job in an environment variable,
// with the one host it belongs to and the username that goes with it.
type CIToken struct {
	Var, Host, Username string
}

// CITokens lists the job tokens getenv holds, each with the host its CI
// platform names for it; a variable whose host cannot be told is left
// out, so a token never goes to another host:
//
//   - GitLab CI/CD: CI_JOB_TOKEN, for CI_SERVER_FQDN (host[:port], GitLab
//     16.10+) or else CI_SERVER_HOST and CI_SERVER_PORT, https only
//     (CI_SERVER_PROTOCOL); username gitlab-ci-token.
//     https://docs.gitlab.com/ci/variables/predefined_variables/ ,
//     https://docs.gitlab.com/ci/jobs/ci_job_token/
//   - Azure Pipelines: SYSTEM_ACCESSTOKEN (the job maps System.AccessToken
//     into it), for the host of SYSTEM_COLLECTIONURI (or
//     SYSTEM_TEAMFOUNDATIONCOLLECTIONURI), https only. Any non-empty
//     username goes with it (not stated on the page; the example there puts
//     the token in the URL).
//     https://learn.microsoft.com/azure/devops/pipelines/build/variables
//
// Not included, and why: Gitea and Forgejo Actions document the job token
// (GITEA_TOKEN, https://docs.gitea.com/usage/actions) as a secret a
// workflow must map itself, with no variable that names the server's host;
// Bitbucket Pipelines documents no job token for git. There, map the token
// into GIT_CREDENTIAL_PAT_TOKEN and name its host in GIT_CREDENTIAL_PAT_HOST.
func CITokens(getenv func(string) string) []CIToken {
	var out []CIToken
	if getenv("CI_JOB_TOKEN") != "" && (getenv("CI_SERVER_PROTOCOL") == "" || getenv("CI_SERVER_PROTOCOL") == "https") {
		host := getenv("CI_SERVER_FQDN")
		if host == "" && getenv("CI_SERVER_HOST") != "" {
			host = getenv("CI_SERVER_HOST")
			if p := getenv("CI_SERVER_PORT"); p != "" && p != "443" {
				host += ":" + p
			}
		}
		if validHost(host) {
			out = append(out, CIToken{"CI_JOB_TOKEN", host, GitLabCIUsername})
		}
	}
	if getenv("SYSTEM_ACCESSTOKEN") != "" {
		uri := getenv("SYSTEM_COLLECTIONURI")
		if uri == "" {
			uri = getenv("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")
		}
		if host, ok := httpsHost(uri); ok {
			out = append(out, CIToken{"SYSTEM_ACCESSTOKEN", host, AnyUsername})
		}
	}
	return out
}

// TokenHosts parses a list of the hosts a token belongs to, as a person
// writes it in an environment variable: entries separated by commas or
// white space, each a host[:port] or an https:// URL (its host is taken).
// bad counts the entries that are neither; they name no host.
func TokenHosts(list string) (hosts []string, bad int) {
	for _, entry := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		uri := entry
		if !strings.Contains(entry, "://") {
			if strings.ContainsAny(entry, "/?#") {
				bad++
				continue
			}
			uri = "https://" + entry
		}
		var h string
		var ok bool
		if rest, https := cutFold(uri, "https://"); https && strings.HasPrefix(rest, "[") {
			// An IPv6 literal, which httpsHost (CI platforms' URLs)
			// does not take.
			if end := strings.IndexAny(rest, "/?#"); end >= 0 {
				rest = rest[:end]
			}
			h, ok = bracketedHost(rest)
		} else {
			h, ok = httpsHost(uri)
		}
		if ok {
			hosts = append(hosts, h)
		} else {
			bad++
		}
	}
	return hosts, bad
}

// cutFold is strings.CutPrefix with prefix matched case-insensitively.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// bracketedHost accepts an IPv6 literal in brackets with an optional
// port, "[::1]:8443", as git sends it in host=.
func bracketedHost(entry string) (string, bool) {
	end := strings.IndexByte(entry, ']')
	if !strings.HasPrefix(entry, "[") || end < 0 {
		return "", false
	}
	addr, port := entry[1:end], entry[end+1:]
	ok := allOf(addr, func(c byte) bool { return isHex(c) || c == ':' || c == '.' }) &&
		(port == "" || port[0] == ':' && allOf(port[1:], func(c byte) bool { return '0' <= c && c <= '9' }))
	return entry, ok
}

// httpsHost returns the host[:port] of an https:// URL without userinfo,
// as url.Parse would give it (the scheme is case-insensitive). It accepts
// a subset of what url.Parse accepts: a host name of letters, digits and
// "-._~" (no IP literal in brackets), an optional numeric port, and no
// control character or malformed %-escape anywhere, so it never offers a
// token for a host url.Parse would refuse. It does not use net/url so
// that the helper git runs need not link it.
func httpsHost(uri string) (string, bool) {
	const scheme = "https://"
	if len(uri) < len(scheme) || !strings.EqualFold(uri[:len(scheme)], scheme) {
		return "", false
	}
	for i := 0; i < len(uri); i++ {
		switch c := uri[i]; {
		case c < 0x20 || c == 0x7f:
			return "", false
		case c == '%' && (i+2 >= len(uri) || !isHex(uri[i+1]) || !isHex(uri[i+2])):
			return "", false
		}
	}
	host := uri[len(scheme):]
	if end := strings.IndexAny(host, "/?#"); end >= 0 {
		host = host[:end]
	}
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		name, port = host[:i], host[i:]
	}
	if !allOf(name, func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0
	}) {
		return "", false
	}
	if port != "" && (port[0] != ':' || !allOf(port[1:], func(c byte) bool { return '0' <= c && c <= '9' })) {
		return "", false
	}
	return host, true
}

// allOf reports whether s is not empty and every byte of it is ok.
func allOf(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return s != ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func validHost(h string) bool {
	return h != "" && !strings.ContainsAny(h, "/@ \t\r\n")
}

// HasPort reports whether host ("name:port", "[v6]:port") names a port.
func HasPort(host string) bool {
	i := strings.LastIndexByte(host, ':')
	return i >= 0 && i > strings.LastIndexByte(host, ']') && i+1 < len(host)
}

// SameHost reports whether a and b (host[:port]) name the same HTTPS host:
// case-insensitive, with :443 the same as no port.
func SameHost(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ":443")), strings.ToLower(strings.TrimSuffix(b, ":443"))
	return a == b
}
