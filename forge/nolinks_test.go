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

// httpsHost accepts the URLs CI systems give and, of anything, only what
// url.Parse accepts with the same host: it may refuse more, never less.
func TestHTTPSHostIsStricterThanURLParse(t *testing.T) {
	for _, tc := range []struct{ uri, host string }{
		{"https://dev.azure.com/fabrikam/", "dev.azure.com"},
		{"https://dev.azure.com", "dev.azure.com"},
		{"HTTPS://tfs.example.com:8443/tfs/Coll/", "tfs.example.com:8443"},
		{"https://fabrikam.visualstudio.com/", "fabrikam.visualstudio.com"},
		{"https://x/@y@", "x"},
		{"https://dev.azure.com/my%20org/", "dev.azure.com"},
	} {
		if got, ok := httpsHost(tc.uri); !ok || got != tc.host {
			t.Errorf("httpsHost(%q) = %q, %v; want %q", tc.uri, got, ok, tc.host)
		}
	}
	refused := []string{
		"http://dev.azure.com/", "https://user@dev.azure.com/", "https://user:pw@dev.azure.com/", "https:///path", "", "https://",
		"ftp://x/", "https://a b/", "https://[::1]:8443/x", "https://[0]", "https://dev.azure.com:abc/", "https://[::1/", "https://h\\x/", "https://h{}/",
		"https://h|x/", "https://h^/", "https://h`/", "https://h\x01/", "https://h/\x7f", "https://h/%zz", "https://h%41/", "https://h:/",
	}
	for _, uri := range refused {
		if got, ok := httpsHost(uri); ok {
			t.Errorf("httpsHost(%q) = %q, accepted", uri, got)
		}
	}
	for _, uri := range refused {
		checkStricterThanURLParse(t, uri)
	}
}

func checkStricterThanURLParse(t *testing.T, uri string) {
	t.Helper()
	got, ok := httpsHost(uri)
	if !ok {
		return
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Host != got || !validHost(u.Host) {
		t.Fatalf("httpsHost(%q) = %q, but url.Parse gives %+v, %v", uri, got, u, err)
	}
}

func FuzzHTTPSHost(f *testing.F) {
	for _, s := range []string{"https://dev.azure.com/org/", "https://[::1]:1/", "HTTPS://h:8/%41", "https://h/%zz"} {
		f.Add(s)
	}
	f.Fuzz(checkStricterThanURLParse)
}
