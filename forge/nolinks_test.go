package forge

import (
	"net/url"
	"regexp"
	"testing"
)

// forge avoids net/url and regexp (the helper git runs links forge); what
// it writes instead must agree with them.

func TestQuoteMetaMatchesRegexp(t *testing.T) {
	for _, s := range []string{"", "ghp_", "github_pat_", `a.b+c*d?e(f)g|h[i]j{k}l^m$n\o`, "glpat-", "€"} {
		if got, want := quoteMeta(s), regexp.QuoteMeta(s); got != want {
			t.Errorf("quoteMeta(%q) = %q, regexp.QuoteMeta %q", s, got, want)
		}
	}
	if _, err := regexp.Compile(PrefixPattern()); err != nil {
		t.Fatalf("PrefixPattern %q does not compile: %v", PrefixPattern(), err)
	}
}

func TestHTTPSHostMatchesURLParse(t *testing.T) {
	for _, s := range []string{
		"https://dev.azure.com/fabrikam/", "https://dev.azure.com", "HTTPS://tfs.example.com:8443/tfs/Coll/",
		"https://dev.azure.com?x=1", "https://dev.azure.com#frag", "http://dev.azure.com/", "https://user@dev.azure.com/",
		"https://user:pw@dev.azure.com/", "https:///path", "", "https://", "ftp://x/", "https://a b/", "https://x/@y",
	} {
		got, ok := httpsHost(s)
		u, err := url.Parse(s)
		want := err == nil && u.Scheme == "https" && u.User == nil && validHost(u.Host)
		if ok != want || ok && got != u.Host {
			t.Errorf("httpsHost(%q) = %q, %v; url.Parse gives host %q, accepted %v", s, got, ok, u.Host, want)
		}
	}
}
