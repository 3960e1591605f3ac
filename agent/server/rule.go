package server

import (
	"fmt"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Rule is one --allow entry: a host and an optional path prefix, for
// https unless it was written with http://.
type Rule struct {
	Protocol string // "https" or "http"
	Host     string // lower case, with :port if one was given
	Path     string // "" = any repository on the host; no leading or trailing "/", no ".git"
}

// ParseRule reads HOST[/PATH], optionally with https:// or http:// in front.
func ParseRule(s string) (Rule, error) {
	r := Rule{Protocol: "https"}
	rest := strings.TrimSpace(s)
	if scheme, after, ok := strings.Cut(rest, "://"); ok {
		switch strings.ToLower(scheme) {
		case "https", "http":
			r.Protocol = strings.ToLower(scheme)
		default:
			return Rule{}, fmt.Errorf("--allow %q: only https:// (the default) or http:// can be allowed", s)
		}
		rest = after
	}
	host, path, _ := strings.Cut(rest, "/")
	if host == "" || strings.ContainsAny(host, " @*?#") {
		return Rule{}, fmt.Errorf("--allow %q: want HOST[/PATH], for example --allow github.com/my-org or --allow gitlab.example.com:8443/team/app", s)
	}
	r.Host = strings.ToLower(host)
	r.Path = cleanPath(path)
	return r, nil
}

// String writes the rule as --allow takes it.
func (r Rule) String() string {
	s := r.Host
	if r.Path != "" {
		s += "/" + r.Path
	}
	if r.Protocol != "https" {
		s = r.Protocol + "://" + s
	}
	return s
}

// Allows reports whether q is within the rule: same protocol and host, and
// a path at or below the rule's path. A rule with a path needs the path
// from the far side (git sends it only with credential.useHttpPath), and
// one without "." or ".." segments.
func (r Rule) Allows(q credential.Credential) bool {
	if !strings.EqualFold(q.Protocol, r.Protocol) || !strings.EqualFold(q.Host, r.Host) {
		return false
	}
	if r.Path == "" {
		return true
	}
	if credential.HasDotSegment(q.Path) { // org/../other would leave the rule's path
		return false
	}
	want, have := r.Path, cleanPath(q.Path)
	if credential.PathsIgnoreCase(r.Host) { // GitHub owners and repositories ignore case
		want, have = strings.ToLower(want), strings.ToLower(have)
	}
	return have == want || strings.HasPrefix(have, want+"/")
}

// cleanPath drops surrounding slashes and a final ".git", so "org/repo",
// "/org/repo.git" and "org/repo/" compare equal.
func cleanPath(p string) string {
	p = strings.Trim(p, "/")
	return strings.TrimSuffix(p, ".git")
}

// allowed returns the first rule that allows q.
func allowed(rules []Rule, q credential.Credential) (Rule, bool) {
	for _, r := range rules {
		if r.Allows(q) {
			return r, true
		}
	}
	return Rule{}, false
}
