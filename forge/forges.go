package forge

import (
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// The forges the helper knows, as Of and Kind name them.
const (
	KindGitHub    = "GitHub"
	KindGitLab    = "GitLab"
	KindGitea     = "Gitea/Forgejo"
	KindBitbucket = "Bitbucket"
	KindAzure     = "Azure DevOps"
	// KindHuggingFace is the Hugging Face Hub (huggingface.co, hf.co), whose
	// model, dataset and Space repositories are git repositories:
	// https://huggingface.co/docs/hub/repositories-getting-started
	KindHuggingFace = "Hugging Face"
	// KindBitbucketDC is Bitbucket Data Center (self-hosted Bitbucket,
	// formerly Bitbucket Server), whose HTTP access tokens stand in for a
	// password with git over HTTPS:
	// https://confluence.atlassian.com/bitbucketserver/personal-access-tokens-939515499.html
	// No host name says it; login asks the host (forge/api.ProbeBitbucketDC)
	// or recognises the token (BitbucketDCTokenPrefix) and remembers it.
	KindBitbucketDC = "Bitbucket Data Center"
)

// Kinds are the forges the helper knows, in the order messages name them.
var Kinds = []string{KindGitHub, KindGitLab, KindGitea, KindAzure, KindBitbucket, KindBitbucketDC, KindHuggingFace, KindGerrit}

// KindsList names every forge in Kinds for a message: "GitHub, GitLab,
// ... or Hugging Face".
func KindsList() string {
	return strings.Join(Kinds[:len(Kinds)-1], ", ") + " or " + Kinds[len(Kinds)-1]
}

// Usernames that go with a token on the forges whose documentation names one.
const (
	// GitLab's CI job token goes with gitlab-ci-token; a personal access
	// token with any non-blank username; an OAuth token with oauth2.
	// https://docs.gitlab.com/user/profile/personal_access_tokens/ ,
	// https://docs.gitlab.com/ci/jobs/ci_job_token/
	GitLabCIUsername = "gitlab-ci-token"
	// GitLab deploy tokens (gldt-, GitLab 16.7 and later) go with the
	// deploy token's own username (gitlab+deploy-token-N unless chosen);
	// they cannot use GitLab's API:
	// https://docs.gitlab.com/user/project/deploy_tokens/ ,
	// https://gitlab.com/gitlab-org/gitlab/-/merge_requests/138438
	GitLabDeployTokenPrefix = "gldt-"
	// Bitbucket Cloud API tokens (ATATT...) go with the Bitbucket username or
	// this fixed one: https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/
	BitbucketAPITokenUsername = "x-bitbucket-api-token-auth"
	// Bitbucket repository, project and workspace access tokens (ATCTT...)
	// go with x-token-auth:
	// https://support.atlassian.com/bitbucket-cloud/docs/using-access-tokens/
	BitbucketAccessTokenUsername = "x-token-auth"
	// Hugging Face takes a user access token "in place of a password" with
	// git (https://huggingface.co/docs/hub/security-tokens) and does not
	// check the username; huggingface_hub stores its tokens for git with
	// this one, "the default user used in the Hub"
	// (set_git_credential in huggingface_hub's utils/_git_credential.py).
	// login stores the account the API reports instead when it can.
	HuggingFaceUsername = "hf_user"
)

// BitbucketDCUsernameAdvice says which username goes with a Bitbucket Data
// Center token when login could not learn it from the server. A personal
// HTTP access token takes the place of its owner's password, so it goes
// with that user's own username; project and repository tokens work only
// as a bearer token, never with a username in Basic authentication:
// https://confluence.atlassian.com/bitbucketserver/personal-access-tokens-939515499.html
func BitbucketDCUsernameAdvice(host string) string {
	return "a Bitbucket Data Center personal HTTP access token goes with your own Bitbucket username; run: git-credential-pat login --host " + host + " --username YOUR_USERNAME (a project or repository token works only as a bearer token: log in with verification on, so that the server can say which kind it is)"
}

// Bitbucket token prefixes. Atlassian staff confirmed them in
// https://community.atlassian.com/forums/Bitbucket-questions/Can-we-confirm-BitBucket-s-token-prefixes/qaq-p/3093481
// (API token ATAT, app password ATBB, access tokens ATCT); Atlassian's
// support pages do not list them, so only the app password prefix makes
// login refuse a token, and only on bitbucket.org.
const (
	BitbucketAPITokenPrefix    = "ATATT"
	BitbucketAccessTokenPrefix = "ATCTT"
	BitbucketAppPasswordPrefix = "ATBB"
)

// BitbucketAppPasswordAdvice says what replaced app passwords and where to
// create one. App passwords can no longer be created since 2025-09-09 and
// stop working on 2026-07-28 (brownouts from 2026-06-09):
// https://community.atlassian.com/forums/Bitbucket-articles/Bitbucket-Cloud-enters-phase-2-of-app-password-deprecation/ba-p/3106901
const BitbucketAppPasswordAdvice = "Bitbucket app passwords (ATBB...) are switched off; create an API token with the scopes read:repository:bitbucket and write:repository:bitbucket at https://id.atlassian.com/manage-profile/security/api-tokens and log in with it (username " + BitbucketAPITokenUsername + ")"

// huggingFaceKinds are the first path segments of Hugging Face's dataset
// and Space repositories (https://huggingface.co/datasets/OWNER/NAME,
// https://huggingface.co/spaces/OWNER/NAME); a model's path starts with
// its owner (https://huggingface.co/docs/hub/repositories-getting-started).
var huggingFaceKinds = []string{"datasets", "spaces"}

// OwnerPlaceholder is what a message puts after --owner for a token that
// answers for the owner of the repository at path: "OWNER", or on Hugging
// Face "datasets/OWNER" and "spaces/OWNER" for its datasets and Spaces,
// whose owner is the second segment (an owner token for "OWNER" does not
// cover them), and on Bitbucket Data Center "scm/PROJECT", the project
// its HTTPS repository URLs name after scm/ (HTTPSPathForSSH).
func OwnerPlaceholder(kind, path string) string {
	if kind == KindBitbucketDC {
		return "scm/PROJECT"
	}
	if kind == KindHuggingFace {
		first, _, _ := strings.Cut(path, "/")
		for _, k := range huggingFaceKinds {
			if strings.EqualFold(first, k) {
				return k + "/OWNER"
			}
		}
	}
	return "OWNER"
}

// OrgInPath reports whether host keeps the organization a token belongs
// to in the first segment of the repository path (dev.azure.com: see
// IsAzureDevOps), so a token stored for the host without a path answers
// for every organization, which the token does not cover.
func OrgInPath(host string) bool {
	return strings.EqualFold(credential.HostName(host), "dev.azure.com")
}

// AzureGlobalPATAdvice is what doctor says about a host-wide Azure DevOps
// token: global ("all accessible organizations") PATs stop working on
// 2026-12-01:
// https://devblogs.microsoft.com/devops/retirement-of-global-personal-access-tokens-in-azure-devops
const AzureGlobalPATAdvice = "a token stored for all of dev.azure.com is usually a global (all accessible organizations) PAT, which Microsoft retires on 2026-12-01; create one for the organization and store it with login --host dev.azure.com --owner ORG"

// IsAzureDevOps reports whether host is Azure DevOps Services
// (dev.azure.com or ORG.visualstudio.com). The organization is the first
// path segment on dev.azure.com:
// https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate
func IsAzureDevOps(host string) bool {
	name := strings.ToLower(credential.HostName(host))
	return name == "dev.azure.com" || strings.HasSuffix(name, ".visualstudio.com")
}

// Kind names the forge of host: Of for the hosts whose forge is certain;
// else remembered (what login learned from the host's API, see
// forge/api.Remembered); else GitHub for names that say GitHub Enterprise;
// else GitLab when the token carries GitLab's glpat- (self-managed
// instances may put their own prefix before it: acme-glpat-, see
// https://docs.gitlab.com/administration/settings/account_and_limit_settings/#instance-token-prefix);
// else Bitbucket Data Center for its BBDC- tokens; else "".
func Kind(host, remembered, token string) string {
	if k := Of(host); k != "" {
		return k
	}
	if remembered != "" {
		return remembered
	}
	if LooksLikeGitHubEnterprise(host) {
		return KindGitHub
	}
	if strings.Contains(token, "glpat-") || strings.HasPrefix(token, GitLabDeployTokenPrefix) {
		return KindGitLab
	}
	if strings.HasPrefix(token, BitbucketDCTokenPrefix) {
		return KindBitbucketDC
	}
	return ""
}

// DefaultUsernameAt is DefaultUsername for a token stored for host and
// path: on dev.azure.com, for an organization's path, the organization.
// Azure DevOps takes any username with a PAT ("anything except an empty
// string": https://learn.microsoft.com/azure/devops/repos/git/auth-overview),
// and its clone URLs name the
// organization as the user (https://ORG@dev.azure.com/ORG/PROJECT/_git/REPO),
// so git asks for ORG's token; stored under ORG, the token answers those
// URLs and the ones without a user alike.
func DefaultUsernameAt(kind, host, path, token string) string {
	if kind == KindAzure && OrgInPath(host) {
		if org, _, _ := strings.Cut(path, "/"); org != "" {
			return org
		}
	}
	return DefaultUsername(kind, token)
}

// DefaultUsername is the username stored with token for a forge when the
// user gives none: "" when the forge documents none (the caller's default).
func DefaultUsername(kind, token string) string {
	switch kind {
	case KindGitLab:
		if strings.HasPrefix(token, GitLabDeployTokenPrefix) {
			return "" // its own username (UsernameNeeded)
		}
		return GitLabUsername // any non-blank value works with a PAT, and oauth2 also with OAuth tokens
	case KindBitbucket:
		switch {
		case strings.HasPrefix(token, BitbucketAPITokenPrefix):
			return BitbucketAPITokenUsername
		case strings.HasPrefix(token, BitbucketAccessTokenPrefix):
			return BitbucketAccessTokenUsername
		}
	case KindHuggingFace:
		return HuggingFaceUsername
	}
	return ""
}

// Scopes is what a token needs for git to clone and push, per forge.
func Scopes(kind string) string {
	switch kind {
	case KindGitHub:
		return "Contents: read and write (fine-grained) or repo (classic)"
	case KindGitLab:
		// https://docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes
		return "read_repository and write_repository"
	case KindGitea:
		// https://docs.gitea.com/development/oauth2-provider#scopes (repository scope)
		return "write:repository"
	case KindBitbucket:
		return "read:repository:bitbucket and write:repository:bitbucket"
	case KindAzure:
		// https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/oauth#scopes
		return "Code (Read & write)"
	case KindBitbucketDC:
		// "Repository write: Push, pull, and clone repositories":
		// https://confluence.atlassian.com/bitbucketserver/personal-access-tokens-939515499.html
		return "Repository write"
	case KindHuggingFace:
		// The write role, or a fine-grained token with "Write access to
		// contents/settings of repos" (repo.write) on the repositories'
		// owner: https://huggingface.co/docs/hub/security-tokens
		return "the write role, or fine-grained repo.write on the repositories' owner"
	}
	return ""
}

// TokenPage is where a person creates a token for host (host[:port]) on a
// forge of kind: the forge's own page when the kind is known (a
// self-managed GitLab or a Gitea/Forgejo found by login), else NewTokenURL.
func TokenPage(host, kind string) string {
	switch kind {
	case KindGitLab:
		// https://docs.gitlab.com/user/profile/personal_access_tokens/#create-a-personal-access-token
		return "https://" + host + "/-/user_settings/personal_access_tokens"
	case KindGitea:
		// https://docs.codeberg.org/advanced/access-token/
		return "https://" + host + "/user/settings/applications"
	case KindBitbucketDC:
		// Personal tokens: "Profile picture > Manage account > HTTP access
		// tokens"; a project's or repository's: its settings, "HTTP access
		// tokens": https://confluence.atlassian.com/bitbucketserver/personal-access-tokens-939515499.html
		return "https://" + host + " (Manage account > HTTP access tokens, or the project's or repository's settings > HTTP access tokens)"
	case KindGerrit:
		return gerritTokenPage(host)
	}
	return NewTokenURL(credential.HostName(host))
}
