package backends

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// Environment variables the env store reads.
const (
	EnvToken    = "GIT_CREDENTIAL_PAT_TOKEN"    // for the hosts in EnvHost
	EnvHost     = "GIT_CREDENTIAL_PAT_HOST"     // the hosts EnvToken belongs to
	EnvUsername = "GIT_CREDENTIAL_PAT_USERNAME" // overrides the per-forge default
)

// envTokenVars are every variable that can hold a token for the env store.
// The secret-reference resolver is started without them (see resolverEnv).
var envTokenVars = []string{EnvToken, "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "SYSTEM_ACCESSTOKEN"}

// EnvStore answers get from environment variables and stores nothing. It is
// meant for CI and cloud dev environments, where the platform hands the job
// a token in a variable:
//
//   - GIT_CREDENTIAL_PAT_TOKEN, for the hosts GIT_CREDENTIAL_PAT_HOST
//     names (see forge.TokenHosts), and for no host without it: a
//     token answers only the host it belongs to, never a server that
//     merely asks (a submodule, a module fetched over git);
//   - GH_TOKEN, then GITHUB_TOKEN, for github.com;
//   - GH_ENTERPRISE_TOKEN for the host named in GH_HOST (GitHub Enterprise);
//   - GITLAB_TOKEN for gitlab.com;
//   - the CI job tokens forge.CITokens knows (GitLab's CI_JOB_TOKEN with
//     username gitlab-ci-token, Azure Pipelines' SYSTEM_ACCESSTOKEN), each
//     for the one host its platform names.
//
// GIT_CREDENTIAL_PAT_TOKEN is tried first, so on its hosts it also
// overrides the forge variables. The username is
// GIT_CREDENTIAL_PAT_USERNAME when set; else the one git asked for, if
// any; else forge.GitHubUsername on GitHub hosts and forge.GitLabUsername
// on gitlab.com (both accept any token under that name); else "token".
//
// Only https requests are answered (http only for loopback hosts), so an
// env token never goes over plain HTTP. Store and Erase do nothing: the
// environment is not ours to change. EnvStore does not implement
// credential.Lister: it holds no entries, only a rule, and listing would
// mean printing tokens that are already in the environment.
type EnvStore struct {
	Getenv func(string) string // nil means os.Getenv
	Warn   func(string)        // where a misset variable is reported; nil: not reported
}

func init() {
	Register(Descriptor{Name: "env", Help: "read-only: GIT_CREDENTIAL_PAT_TOKEN (for the hosts in GIT_CREDENTIAL_PAT_HOST), GH_TOKEN/GITHUB_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN, SYSTEM_ACCESSTOKEN from the environment (CI)",
		Open: openEnv, ReadOnly: true})
}

func openEnv(o Options) (credential.Store, error) {
	return &EnvStore{Getenv: o.Getenv, Warn: o.Warn}, nil
}

func (e *EnvStore) getenv(key string) string {
	if e.Getenv != nil {
		return e.Getenv(key)
	}
	return os.Getenv(key)
}

// Get returns the host-wide credential the environment holds for q.
func (e *EnvStore) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	if !(q.Protocol == "https" || q.Protocol == "http" && credential.IsLoopback(q.Host)) {
		return credential.Credential{}, credential.ErrNotFound
	}
	token, defaultUser, fixed, why := e.lookup(q.Protocol, q.Host)
	if token == "" {
		// Only git's get hears why a token was not given: a store or
		// erase looks up what the stores hold first, and would say it
		// again.
		if why != "" && e.Warn != nil && !credential.IsPeeking(ctx) {
			e.Warn(why)
		}
		return credential.Credential{}, credential.ErrNotFound
	}
	user := e.getenv(EnvUsername)
	switch {
	case fixed:
		// A CI job token works only with its platform's username.
		user = defaultUser
		if q.HasUsername && q.Username != "" && q.Username != user {
			return credential.Credential{}, credential.ErrNotFound
		}
	case user != "":
		if q.HasUsername && q.Username != user {
			return credential.Credential{}, credential.ErrNotFound
		}
	case q.HasUsername && q.Username != "":
		user = q.Username // forges accept any username with a token
	default:
		user = defaultUser
	}
	c := credential.Credential{Protocol: q.Protocol, Host: q.Host}
	c.SetUsername(user)
	c.SetPassword(token)
	return c, nil
}

// lookup returns the token the environment holds for host, and the
// username its forge expects with a token; fixed when no other username
// works with it (CI job tokens). With no token, why says what in the
// environment the user may have meant for it, if anything.
func (e *EnvStore) lookup(protocol, host string) (token, user string, fixed bool, why string) {
	github := forge.IsGitHubDotCom(host)
	ghes := false
	if gh := strings.ToLower(e.getenv("GH_HOST")); gh != "" && gh != "github.com" {
		ghes = forge.IsGitHubHost(host, gh)
	}
	gitlab := forge.IsGitLabDotCom(host)
	switch {
	case github || ghes:
		user = forge.GitHubUsername
	case gitlab:
		user = forge.GitLabUsername
	default:
		user = forge.AnyUsername
	}
	if t := e.getenv(EnvToken); t != "" {
		ok, reason := e.tokenHost(protocol, host)
		if ok {
			return t, user, false, ""
		}
		why = reason
	}
	var vars []string
	switch {
	case github:
		vars = append(vars, "GH_TOKEN", "GITHUB_TOKEN")
	case ghes:
		vars = append(vars, "GH_ENTERPRISE_TOKEN")
	case gitlab:
		vars = append(vars, "GITLAB_TOKEN")
	}
	for _, v := range vars {
		if t := e.getenv(v); t != "" {
			return t, user, false, ""
		}
	}
	for _, ci := range forge.CITokens(e.getenv) {
		if forge.SameHost(host, ci.Host) {
			return e.getenv(ci.Var), ci.Username, ci.Var == "CI_JOB_TOKEN", ""
		}
	}
	return "", user, false, why
}

// tokenHost reports whether GIT_CREDENTIAL_PAT_HOST names host. For plain
// http (loopback only) an entry must name the port: "localhost" means
// https on 443, not whatever listens on port 80. When the list names no
// host at all, why says so, without naming the host that asked: that name
// is the server's choice, and the fix is to name the token's own host.
func (e *EnvStore) tokenHost(protocol, host string) (ok bool, why string) {
	hosts, bad := forge.TokenHosts(e.getenv(EnvHost))
	for _, h := range hosts {
		if protocol == "https" && forge.SameHost(host, h) || protocol == "http" && strings.EqualFold(host, h) && forge.HasPort(h) {
			return true, ""
		}
	}
	switch {
	case len(hosts) == 0 && bad == 0:
		return false, EnvToken + " is set but " + EnvHost + " is not, so the token goes to no host; " +
			"name the host it belongs to, e.g. export " + EnvHost + "=gitlab.example.com (a comma list, or an https:// URL)"
	case bad > 0:
		return false, fmt.Sprintf("%s: %d of its entries name no host (each must be a host[:port] or an https:// URL)", EnvHost, bad)
	}
	return false, ""
}

// Store does nothing: the environment is read-only to a helper.
func (e *EnvStore) Store(context.Context, credential.Credential) error { return nil }

// Erase does nothing: a rejected env token must be fixed where it is set.
func (e *EnvStore) Erase(context.Context, credential.Credential) error { return nil }
