package forge

import "testing"

func TestHosts(t *testing.T) {
	for _, tc := range []struct {
		host                 string
		dotcom, ghes, gitlab bool
	}{
		{"github.com", true, false, false},
		{"GitHub.com:443", true, false, false},
		{"github.com:8443", false, false, false},
		{"github.example.com", false, true, false},
		{"acme.ghe.com", false, true, false},
		{"gitlab.com", false, false, true},
		{"gitlab.com:443", false, false, true},
		{"example.com", false, false, false},
	} {
		if got := IsGitHubDotCom(tc.host); got != tc.dotcom {
			t.Errorf("IsGitHubDotCom(%q) = %v", tc.host, got)
		}
		if got := LooksLikeGitHubEnterprise(tc.host); got != tc.ghes {
			t.Errorf("LooksLikeGitHubEnterprise(%q) = %v", tc.host, got)
		}
		if got := IsGitLabDotCom(tc.host); got != tc.gitlab {
			t.Errorf("IsGitLabDotCom(%q) = %v", tc.host, got)
		}
	}
	if !IsGitHubHost("GHE.example:8443", "ghe.example:8443") || !IsGitHubHost("ghe.example:443", "ghe.example") || IsGitHubHost("ghe.example", "") {
		t.Error("IsGitHubHost compares host[:443] with GH_HOST")
	}
}
