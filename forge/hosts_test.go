package forge

import (
	"slices"
	"strings"
	"testing"
)

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

// Only an enterprise's own SUBDOMAIN.ghe.com on the HTTPS port has its API
// on api.SUBDOMAIN.ghe.com; any *.ghe.com name is still GitHub.
func TestGHEDotCom(t *testing.T) {
	for _, tc := range []struct {
		host           string
		ghecom, ghes   bool
		lookLikeGitHub bool
	}{
		{"acme.ghe.com", true, false, true},
		{"ACME.ghe.com:443", true, false, true},
		{"github.ghe.com", true, false, true},
		{"acme.ghe.com:8443", false, false, true},
		{"a.b.ghe.com", false, false, true},
		{"a_b.ghe.com", false, false, true},
		{"ghe.com", false, false, false},
		{".ghe.com", false, false, true},
		{"acme.ghe.com.evil.example", false, false, false},
		{"github.example.com", false, true, true},
		{"github.com", false, false, false},
	} {
		if got := IsGHEDotCom(tc.host); got != tc.ghecom {
			t.Errorf("IsGHEDotCom(%q) = %v", tc.host, got)
		}
		if got := LooksLikeGitHubEnterpriseServer(tc.host); got != tc.ghes {
			t.Errorf("LooksLikeGitHubEnterpriseServer(%q) = %v", tc.host, got)
		}
		if got := LooksLikeGitHubEnterprise(tc.host); got != tc.lookLikeGitHub {
			t.Errorf("LooksLikeGitHubEnterprise(%q) = %v", tc.host, got)
		}
	}
}

func TestForgeKinds(t *testing.T) {
	for _, tc := range []struct {
		host, remembered, token string
		kind, user              string
		needsUser               bool
	}{
		{"github.com", "", "ghp_x", KindGitHub, "", false},
		{"github.acme.example", "", "", KindGitHub, "", false},
		{"gitlab.com", "", "glpat-x", KindGitLab, GitLabUsername, false},
		{"git.acme.example", "", "acme-glpat-xyz", KindGitLab, GitLabUsername, false},
		{"git.acme.example", KindGitea, "0123abcd", KindGitea, "", false},
		{"codeberg.org", "", "", KindGitea, "", false},
		{"bitbucket.org", "", "ATATT3xFfGF0abc", KindBitbucket, BitbucketAPITokenUsername, false},
		{"bitbucket.org", "", "ATCTT3xFfGN0abc", KindBitbucket, BitbucketAccessTokenUsername, false},
		{"bitbucket.org", "", "something-else", KindBitbucket, "", true},
		{"gitlab.com", "", "gldt-x", KindGitLab, "", true},
		{"git.acme.example", "", "gldt-x", KindGitLab, "", true},
		{"dev.azure.com", "", "x", KindAzure, "", false},
		{"acme.visualstudio.com", "", "x", KindAzure, "", false},
		{"huggingface.co", "", "hf_x", KindHuggingFace, HuggingFaceUsername, false},
		{"HF.co:443", "", "", KindHuggingFace, HuggingFaceUsername, false},
		{"huggingface.co:8443", "", "hf_x", KindHuggingFace, HuggingFaceUsername, false},
		{"hub.example.com", "", "hf_x", "", "", false}, // an hf_ token says nothing of its host
		{"example.com", "", "0123", "", "", false},
		// Bitbucket Data Center: no name says it; its BBDC- tokens do, and
		// login remembers the host; the username comes from the server.
		{"git.acme.example:7990", "", "BBDC-abc", KindBitbucketDC, "", false},
		{"git.acme.example", KindBitbucketDC, "MDM0MjM5NDc2MDxx", KindBitbucketDC, "", false},
		{"bitbucket.org", "", "BBDC-abc", KindBitbucket, "", true},
	} {
		kind := Kind(tc.host, tc.remembered, tc.token)
		if kind != tc.kind {
			t.Errorf("Kind(%q, %q) = %q, want %q", tc.host, tc.remembered, kind, tc.kind)
		}
		if got := DefaultUsername(kind, tc.token); got != tc.user {
			t.Errorf("DefaultUsername(%q, %q) = %q, want %q", kind, tc.token, got, tc.user)
		}
		if got := UsernameNeeded(tc.host, tc.token); (got != "") != tc.needsUser || got != "" && !strings.Contains(got, "--username") {
			t.Errorf("UsernameNeeded(%q, %q) = %q", tc.host, tc.token, got)
		}
	}
}

// Every forge that Of names is in Kinds, and messages name them all.
func TestKinds(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range []string{"github.com", "gitlab.com", "codeberg.org", "dev.azure.com", "bitbucket.org", "huggingface.co"} {
		k := Of(h)
		if !slices.Contains(Kinds, k) {
			t.Errorf("Of(%q) = %q, not in Kinds %q", h, k, Kinds)
		}
		seen[k] = true
	}
	seen[KindBitbucketDC] = true // self-hosted only: login asks the host
	seen[KindGerrit] = true      // always self-hosted: login asks the host (forge/api.ProbeGerrit)
	if len(seen) != len(Kinds) {
		t.Errorf("Kinds %q has a forge no host names", Kinds)
	}
	if got, want := KindsList(), "GitHub, GitLab, Gitea/Forgejo, Azure DevOps, Bitbucket, Bitbucket Data Center, Hugging Face or Gerrit"; got != want {
		t.Errorf("KindsList() = %q, want %q", got, want)
	}
}

// Hugging Face: huggingface.co and hf.co (its short name) are one forge;
// its API takes their tokens on the HTTPS port only; tokens are made at one
// page; SSH remotes on hf.co switch to https://huggingface.co.
func TestHuggingFaceHosts(t *testing.T) {
	for _, tc := range []struct {
		host string
		hub  bool
		kind string
	}{
		{"huggingface.co", true, KindHuggingFace},
		{"HuggingFace.co:443", true, KindHuggingFace},
		{"hf.co", true, KindHuggingFace},
		{"hf.co:443", true, KindHuggingFace},
		{"huggingface.co:8443", false, KindHuggingFace},
		{"www.huggingface.co", false, ""},
		{"huggingface.co.example", false, ""},
		{"hf-mirror.com", false, ""},
	} {
		if got := IsHuggingFaceHub(tc.host); got != tc.hub {
			t.Errorf("IsHuggingFaceHub(%q) = %v", tc.host, got)
		}
		if got := Of(tc.host); got != tc.kind {
			t.Errorf("Of(%q) = %q, want %q", tc.host, got, tc.kind)
		}
	}
	for _, host := range []string{"huggingface.co", "hf.co", "huggingface.co:8443"} {
		if got := TokenPage(host, KindHuggingFace); got != "https://huggingface.co/settings/tokens" {
			t.Errorf("TokenPage(%q) = %q", host, got)
		}
	}
	if got := SSHMainHost("hf.co"); got != "huggingface.co" {
		t.Errorf("SSH remotes on hf.co map to %q", got)
	}
	if Scopes(KindHuggingFace) == "" || Shape(KindHuggingFace) == "" {
		t.Error("Hugging Face has no scopes or shape to name in messages")
	}
}

// The --owner a message suggests covers the repository: on Hugging Face a
// dataset's or Space's owner comes after datasets/ or spaces/, on
// Bitbucket Data Center a project after scm/.
func TestOwnerPlaceholder(t *testing.T) {
	for _, tc := range []struct{ kind, path, want string }{
		{KindHuggingFace, "acme/model", "OWNER"},
		{KindHuggingFace, "datasets/acme/data", "datasets/OWNER"},
		{KindHuggingFace, "spaces/acme/demo", "spaces/OWNER"},
		{KindHuggingFace, "", "OWNER"},
		{KindGitHub, "datasets/acme", "OWNER"}, // only Hugging Face puts a kind first
		{KindGitLab, "grp/app.git", "OWNER"},
		// Bitbucket Data Center's HTTPS repositories are scm/PROJECT/repo.
		{KindBitbucketDC, "scm/PROJ/repo.git", "scm/PROJECT"},
		{KindBitbucketDC, "", "scm/PROJECT"},
	} {
		if got := OwnerPlaceholder(tc.kind, tc.path); got != tc.want {
			t.Errorf("OwnerPlaceholder(%q, %q) = %q, want %q", tc.kind, tc.path, got, tc.want)
		}
	}
}

// Bitbucket Data Center's SSH remotes (ssh://git@HOST:7999/PROJECT/repo.git)
// are https://HOST/scm/PROJECT/repo.git; other forges keep the path.
func TestHTTPSPathForSSH(t *testing.T) {
	for _, tc := range []struct{ kind, path, want string }{
		{KindBitbucketDC, "PROJ/repo.git", "scm/PROJ/repo.git"},
		{KindBitbucketDC, "~carol/repo.git", "scm/~carol/repo.git"},
		{KindBitbucketDC, "scm/PROJ/repo.git", "scm/PROJ/repo.git"},
		{KindBitbucket, "acme/app.git", "acme/app.git"},
		{KindGitLab, "grp/app.git", "grp/app.git"},
		{"", "PROJ/repo.git", "PROJ/repo.git"},
	} {
		if got := HTTPSPathForSSH(tc.kind, tc.path); got != tc.want {
			t.Errorf("HTTPSPathForSSH(%q, %q) = %q, want %q", tc.kind, tc.path, got, tc.want)
		}
	}
	if !strings.Contains(TokenPage("git.acme.example:7990", KindBitbucketDC), "https://git.acme.example:7990 (Manage account > HTTP access tokens") ||
		Scopes(KindBitbucketDC) == "" || Shape(KindBitbucketDC) == "" {
		t.Error("Bitbucket Data Center has no token page, scopes or shape to name in messages")
	}
}
