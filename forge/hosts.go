package forge

import (
	"slices"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Usernames that go with a token. Forges accept any username with a token
// except where noted; these are the ones each documents.
const (
	GitHubUsername = "x-access-token" // GitHub (and GitHub Enterprise Server)
	GitLabUsername = "oauth2"         // gitlab.com
	AnyUsername    = "token"          // every other host
)

// Of names the forge of the hosts whose forge is certain from the name
// alone (github.com, gitlab.com, codeberg.org, bitbucket.org, Azure
// DevOps, huggingface.co and hf.co); "" for every other host (self-hosted forges, proxies, ...).
func Of(host string) string {
	switch strings.ToLower(credential.HostName(host)) {
	case "github.com":
		return KindGitHub
	case "gitlab.com":
		return KindGitLab
	case "codeberg.org": // Forgejo: https://docs.codeberg.org/advanced/access-token/
		return KindGitea
	case "bitbucket.org":
		return KindBitbucket
	case "huggingface.co", "hf.co": // hf.co: https://huggingface.co/blog/password-git-deprecation
		return KindHuggingFace
	}
	if IsAzureDevOps(host) {
		return KindAzure
	}
	return ""
}

// isDefaultPort reports whether host (host[:port]) is name on the default
// HTTPS port ("name" or "name:443"), case-insensitively.
func isDefaultPort(host, name string) bool {
	return strings.EqualFold(host, name) || strings.EqualFold(host, name+":443")
}

// IsGitHubDotCom reports whether host is github.com on the HTTPS port.
func IsGitHubDotCom(host string) bool { return isDefaultPort(host, "github.com") }

// IsGitLabDotCom reports whether host is gitlab.com on the HTTPS port.
func IsGitLabDotCom(host string) bool { return isDefaultPort(host, "gitlab.com") }

// IsHuggingFaceHub reports whether host is huggingface.co or hf.co (its
// short name, which Hugging Face uses for git over SSH) on the HTTPS port:
// the hosts whose tokens go to Hugging Face's API.
func IsHuggingFaceHub(host string) bool {
	return isDefaultPort(host, "huggingface.co") || isDefaultPort(host, "hf.co")
}

// IsGitHubHost reports whether host is ghHost (GH_HOST, GitHub Enterprise)
// on the HTTPS port.
func IsGitHubHost(host, ghHost string) bool { return ghHost != "" && isDefaultPort(host, ghHost) }

// IsGHEDotCom reports whether host is SUBDOMAIN.ghe.com (one label before
// ghe.com) on the HTTPS port: GitHub Enterprise Cloud with data residency,
// whose REST API is on api.SUBDOMAIN.ghe.com, not under /api/v3 as on
// GitHub Enterprise Server (docs.github.com's Enterprise Cloud REST pages:
// "If you access GitHub at GHE.com, replace api.github.com with your
// enterprise's dedicated subdomain at api.SUBDOMAIN.ghe.com"; hosts:
// https://docs.github.com/enterprise-cloud@latest/admin/data-residency/network-details-for-ghecom).
func IsGHEDotCom(host string) bool {
	name := strings.ToLower(credential.HostName(host))
	sub, ok := strings.CutSuffix(name, ".ghe.com")
	// One DNS label, so that "api." + name names that enterprise's API.
	label := sub != "" && strings.Trim(sub, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
	return ok && label && isDefaultPort(host, name)
}

// UnderGHEDotCom reports whether host's name is under ghe.com, GitHub
// Enterprise Cloud with data residency (only IsGHEDotCom hosts have a
// known API).
func UnderGHEDotCom(host string) bool {
	return strings.HasSuffix(strings.ToLower(credential.HostName(host)), ".ghe.com")
}

// LooksLikeGitHubEnterpriseServer reports whether host's name says it is a
// GitHub Enterprise Server: github.* other than github.com (and not under
// ghe.com, which is GitHub's own cloud).
func LooksLikeGitHubEnterpriseServer(host string) bool {
	name := strings.ToLower(credential.HostName(host))
	return name != "github.com" && strings.HasPrefix(name, "github.") && !UnderGHEDotCom(host)
}

// LooksLikeGitHubEnterprise reports whether host's name says it is a GitHub
// Enterprise Server (LooksLikeGitHubEnterpriseServer) or GitHub Enterprise
// Cloud with data residency (UnderGHEDotCom).
func LooksLikeGitHubEnterprise(host string) bool {
	return LooksLikeGitHubEnterpriseServer(host) || UnderGHEDotCom(host)
}

// NewTokenURL is where a person creates a token for host.
func NewTokenURL(host string) string {
	h := strings.ToLower(host)
	switch {
	case h == "github.com":
		return "https://github.com/settings/personal-access-tokens"
	case h == "gitlab.com" || strings.HasPrefix(h, "gitlab."):
		return "https://" + host + "/-/user_settings/personal_access_tokens"
	case h == "bitbucket.org":
		// App passwords are replaced by API tokens, created in the Atlassian
		// account: https://support.atlassian.com/bitbucket-cloud/docs/create-an-api-token/
		return "https://id.atlassian.com/manage-profile/security/api-tokens"
	case h == "codeberg.org" || strings.HasPrefix(h, "gitea.") || strings.HasPrefix(h, "forgejo."):
		// https://docs.codeberg.org/advanced/access-token/
		return "https://" + host + "/user/settings/applications"
	case IsAzureDevOps(h):
		// https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate
		return "https://" + host + "/ORG/_usersSettings/tokens"
	case h == "huggingface.co" || h == "hf.co":
		// https://huggingface.co/docs/hub/security-tokens
		return "https://huggingface.co/settings/tokens"
	}
	return "https://" + host + " (your account's token settings)"
}

// WrongUsername says why username cannot go with token, or "" when it may:
// a GitLab deploy token goes with its own username, never with the names
// login stores when it knows none (x-access-token, oauth2) or CI's
// gitlab-ci-token. (An earlier version stored deploy tokens so.)
func WrongUsername(token, username string) string {
	if strings.HasPrefix(token, GitLabDeployTokenPrefix) && (username == GitHubUsername || username == GitLabUsername || username == GitLabCIUsername) {
		return "a GitLab deploy token goes with its own username (gitlab+deploy-token-N unless chosen), not " + username + ", so GitLab refuses it"
	}
	return ""
}

// UsernameNeeded says why token for host needs the username given with
// it, and which: "" when any username works or the forge's own goes with
// it (DefaultUsername). bitbucket.org checks the username of any token but
// its API and access tokens, which have a fixed one; a GitLab deploy
// token goes with its own.
func UsernameNeeded(host, token string) string { return usernameNeedOf("", host, token).message() }

// UsernameNeededFor is UsernameNeeded for a forge whose kind is known
// (login has asked the host): "" when any username works or the forge's
// own goes with the token.
func UsernameNeededFor(kind, host, token string) string {
	return usernameNeedOf(kind, host, token).message()
}

// UsernameNeededWhy is UsernameNeededFor's reason alone, without the login
// it names: for a command that names its own (doctor, with a store's
// flags).
func UsernameNeededWhy(kind, host, token string) string { return usernameNeedOf(kind, host, token).why }

// usernameNeed is why a token needs the username given with it (why is ""
// when it does not), the login that gives one (for host, with placeholder
// as the username) and a note after it.
type usernameNeed struct{ why, host, placeholder, note string }

func usernameNeedOf(kind, host, token string) usernameNeed {
	switch {
	case kind == KindGerrit:
		return usernameNeed{"Gerrit checks the username that goes with an HTTP credential: it must be your Gerrit account's username (shown at " + gerritTokenPage(host) + ")", host, "YOUR_GERRIT_USERNAME", ""}
	case strings.HasPrefix(token, GitLabDeployTokenPrefix):
		return usernameNeed{"a GitLab deploy token goes with its own username, shown where it was created (gitlab+deploy-token-N unless chosen)", host, "DEPLOY_TOKEN_USERNAME", ""}
	case strings.EqualFold(credential.HostName(host), "bitbucket.org") && DefaultUsername(KindBitbucket, token) == "":
		return usernameNeed{"bitbucket.org checks the username that goes with this token", "bitbucket.org", "YOUR_BITBUCKET_USERNAME", " (API tokens, ATATT..., and access tokens, ATCTT..., need none)"}
	}
	return usernameNeed{}
}

func (n usernameNeed) message() string {
	if n.why == "" {
		return ""
	}
	return n.why + "; run: git-credential-pat login --host " + n.host + " --username " + n.placeholder + n.note
}

// sshHostAliases are SSH hosts whose HTTPS URLs live on another host: the
// SSH-over-port-443 hosts of the big forges, and hf.co, the host Hugging
// Face gives for SSH remotes (git@hf.co:USER/REPO, whose HTTPS URL is
// https://huggingface.co/USER/REPO: https://huggingface.co/docs/hub/security-git-ssh).
// An array, not a map: the lean helper links this package, and a map
// would be built at every start.
var sshHostAliases = [...]struct {
	alias, host string
	over443     bool // serves SSH on port 443 (ssh://git@ALIAS:443/)
}{
	{"ssh.github.com", "github.com", true},
	{"altssh.gitlab.com", "gitlab.com", true},
	{"altssh.bitbucket.org", "bitbucket.org", true},
	{"hf.co", "huggingface.co", false},
}

// SSHMainHost is the host whose HTTPS URLs the repositories of SSH host
// sshHost (lower case) have: github.com for ssh.github.com, and so on;
// sshHost itself for any other.
func SSHMainHost(sshHost string) string {
	for _, a := range sshHostAliases {
		if a.alias == sshHost {
			return a.host
		}
	}
	return sshHost
}

// SSHRemotePrefixes are the beginnings of the SSH remote URLs whose
// repositories are at https://host/, sorted: git@host: and ssh://git@host/,
// and the same for each SSH host whose HTTPS URLs are host's (see
// SSHMainHost), those serving SSH on port 443 also as ssh://git@ALIAS:443/
// (GitHub's https://docs.github.com/authentication/troubleshooting-ssh/using-ssh-over-the-https-port).
func SSHRemotePrefixes(host string) []string {
	out := []string{"git@" + host + ":", "ssh://git@" + host + "/"}
	for _, a := range sshHostAliases {
		if a.host != host {
			continue
		}
		out = append(out, "git@"+a.alias+":", "ssh://git@"+a.alias+"/")
		if a.over443 {
			out = append(out, "ssh://git@"+a.alias+":443/")
		}
	}
	slices.Sort(out)
	return out
}

// Known are the hosts whose SSH remotes are worth switching to HTTPS even
// when no token is stored for them yet.
var Known = []string{"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co"}

// HTTPSPathForSSH is the path of the HTTPS URL of the repository an SSH
// remote names with path, on a forge of kind: on Bitbucket Data Center
// the HTTPS URLs put scm/ before the project and repository that SSH URLs
// name (ssh://git@HOST:7999/PROJECT/repo.git is
// https://HOST/scm/PROJECT/repo.git, the two clone links its API gives,
// as in https://github.com/jenkinsci/bitbucket-branch-source-plugin/issues/813);
// path itself on the others. An instance served under a context path
// (https://HOST/bitbucket/scm/...) is not known from the SSH URL.
func HTTPSPathForSSH(kind, path string) string {
	if kind == KindBitbucketDC && !strings.HasPrefix(path, "scm/") {
		return "scm/" + path
	}
	return path
}
