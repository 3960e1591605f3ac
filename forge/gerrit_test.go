package forge

import (
	"strings"
	"testing"
)

// A host login found to run Gerrit (remembered) is Gerrit whatever the
// token looks like, except where the name is certain; Gerrit has no
// default username, so login asks for the account's, and tokens are made
// on the user's HTTP Credentials settings.
func TestGerritRules(t *testing.T) {
	for _, tc := range []struct {
		host, remembered, token string
		kind                    string
		needsUser               bool
	}{
		{"review.example.org", KindGerrit, "Zx8yHTTPcredential0000", KindGerrit, true},
		{"review.example.org:8443", KindGerrit, "Zx8yHTTPcredential0000", KindGerrit, true},
		{"review.example.org", "", "Zx8yHTTPcredential0000", "", false},
		// A name whose forge is certain wins over what was remembered.
		{"github.com", KindGerrit, "Zx8yHTTPcredential0000", KindGitHub, false},
		// A GitLab deploy token still needs its own username elsewhere.
		{"gitlab.example.org", "", GitLabDeployTokenPrefix + "0000", KindGitLab, true},
	} {
		kind := Kind(tc.host, tc.remembered, tc.token)
		if kind != tc.kind {
			t.Errorf("Kind(%q, %q) = %q, want %q", tc.host, tc.remembered, kind, tc.kind)
		}
		if kind == KindGerrit && DefaultUsername(kind, tc.token) != "" {
			t.Errorf("Gerrit has a default username %q", DefaultUsername(kind, tc.token))
		}
		why := UsernameNeededFor(kind, tc.host, tc.token)
		if (why != "") != tc.needsUser {
			t.Errorf("UsernameNeededFor(%q, %q) = %q, want needed=%v", kind, tc.host, why, tc.needsUser)
		}
		if kind == KindGerrit && (!strings.Contains(why, "--host "+tc.host+" --username YOUR_GERRIT_USERNAME") || !strings.Contains(why, "https://"+tc.host+"/settings/#HTTPCredentials")) {
			t.Errorf("UsernameNeededFor(%q) = %q", tc.host, why)
		}
	}
	if got, want := TokenPage("review.example.org", KindGerrit), "https://review.example.org/settings/#HTTPCredentials"; got != want {
		t.Errorf("TokenPage = %q, want %q", got, want)
	}
}
