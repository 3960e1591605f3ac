// Package api asks forges' HTTP APIs about tokens; it is apart from forge so
// that the path git runs (get/store/erase) does not link net/http.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// Verification is what a forge's API says about a token.
type Verification struct {
	Login   string    // the account the token belongs to
	Expires time.Time // zero when the token does not expire (or the forge does not say)
	Scopes  string    // classic tokens' OAuth scopes, as the forge lists them
	Name    string    // the token's name, where the forge says (GitLab)
	Missing string    // scopes git needs that the token lacks, where the forge says
	// ExpiryUnknown is set by a forge whose API never tells a token's
	// expiry (Azure DevOps, Bitbucket), so a zero Expires says nothing;
	// elsewhere a zero Expires is a token that does not expire.
	ExpiryUnknown bool
	// BearerOnly is set for a token that works only as a bearer token
	// (Authorization: Bearer), never as a password with a username: a
	// Bitbucket Data Center project or repository token (or one whose
	// user the server did not name). git sends such a credential from
	// version 2.46 on (authtype=Bearer, credential=TOKEN).
	BearerOnly bool
	// Service names the user a token acts as when the forge says it is no
	// person (a Bitbucket Data Center project or repository token's
	// service user): such a token never goes with a username.
	Service string
}

// maxLoginBytes bounds a username learned from a forge's answer: user
// names on the forges are far shorter (Bitbucket Data Center's and
// GitHub's at most 255 and 39 characters), and a longer one would not fit
// a line of git's credential protocol as this helper reads it
// (credential.MaxLineBytes).
const maxLoginBytes = 255

// StorableLogin reports whether name, a user name a forge's answer gave,
// may be stored as the username git sends with the token: not empty,
// printable as it is (credential.Printable leaves it unchanged: no
// newline, NUL, control character or bidirectional override), without a
// colon, which HTTP Basic auth cannot carry in a user-id (RFC 7617), and
// at most maxLoginBytes long.
func StorableLogin(name string) bool {
	return name != "" && len(name) <= maxLoginBytes && !strings.Contains(name, ":") && credential.Printable(name) == name
}

// Reasons a verification fails. ErrUnreachable means "could not ask": the
// token may be fine, and callers store it with a note that it is unverified.
var (
	ErrTokenRejected = errors.New("the forge rejected the token")
	ErrSSORequired   = errors.New("the token needs SSO authorization for this organization")
	ErrUnreachable   = errors.New("could not reach the forge's API")
)

// APIEnv overrides github.com's API base URL (for a proxy in front of it,
// and tests). It stands in for github.com only: a token of any other host
// is never sent to it.
const APIEnv = "GIT_CREDENTIAL_PAT_API_URL"

// GitHubAPI returns the REST API base for a GitHub host (host[:port], as
// the token is stored): api.github.com, or the APIEnv override, for
// github.com; https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud
// with data residency (SUBDOMAIN.ghe.com); https://HOST[:PORT]/api/v3 for
// GitHub Enterprise Server; "" when the host is not known to be GitHub, or
// is under ghe.com but not an enterprise's own SUBDOMAIN.ghe.com on the
// HTTPS port (no API there to trust). A token only ever goes to the API of
// its own host. The error says why an override is refused: it must be
// https (plain http only on this machine, for tests).
func GitHubAPI(host string) (string, error) {
	switch {
	case forge.IsGitHubDotCom(host):
		if v := os.Getenv(APIEnv); v != "" {
			return apiOverride(v)
		}
		return "https://api.github.com", nil
	case forge.IsGHEDotCom(host):
		return "https://api." + strings.ToLower(credential.HostName(host)), nil
	case forge.LooksLikeGitHubEnterpriseServer(host):
		return "https://" + host + "/api/v3", nil
	}
	return "", nil
}

// apiOverride checks an APIEnv value: https, or http on loopback.
func apiOverride(v string) (string, error) {
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return "", fmt.Errorf("%s=%s is not an https:// URL; set it to the API that stands in for api.github.com, or unset it", APIEnv, credential.RedactURL(v))
	case u.User != nil:
		return "", fmt.Errorf("%s=%s must not hold a user or password: the token goes in a header; remove it from the URL", APIEnv, credential.RedactURL(v))
	case u.Scheme == "http" && !credential.IsLoopback(u.Host):
		return "", fmt.Errorf("%s=%s would send github.com tokens unencrypted; use https:// (plain http is only for this machine, e.g. http://127.0.0.1:PORT in tests)", APIEnv, credential.RedactURL(v))
	}
	return strings.TrimSuffix(v, "/"), nil
}

// VerifyGitHub asks GET {api}/user who the token belongs to and when it
// expires (GitHub's GitHub-Authentication-Token-Expiration header). The
// token travels only in the Authorization header.
func VerifyGitHub(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	resp, body, err := do(ctx, client, http.MethodGet, api+"/user", nil, map[string]string{
		"Authorization": "Bearer " + token,
		"Accept":        "application/vnd.github+json",
	})
	if err != nil {
		return Verification{}, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked, expired or mistyped", ErrTokenRejected, apiMessage(body))
	case resp.StatusCode == http.StatusForbidden && strings.Contains(resp.Header.Get("X-GitHub-SSO"), "required"):
		_, url, _ := strings.Cut(resp.Header.Get("X-GitHub-SSO"), "url=")
		return Verification{}, fmt.Errorf("%w: authorize it at %s", ErrSSORequired, strings.TrimSpace(url))
	case resp.StatusCode != http.StatusOK:
		return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	var user struct {
		Login string `json:"login"`
	}
	if err := json.Unmarshal(body, &user); err != nil {
		return Verification{}, fmt.Errorf("%w (%s sent unreadable JSON)", ErrUnreachable, api)
	}
	v := Verification{Login: user.Login, Scopes: resp.Header.Get("X-OAuth-Scopes")}
	// Classic tokens list their scopes; git needs repo (or public_repo for
	// public repositories) to push:
	// https://docs.github.com/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
	// Fine-grained tokens send no X-OAuth-Scopes and are not judged.
	if _, classic := resp.Header["X-Oauth-Scopes"]; classic {
		has := map[string]bool{}
		for _, s := range strings.Split(v.Scopes, ",") {
			has[strings.TrimSpace(s)] = true
		}
		if !has["repo"] && !has["public_repo"] {
			v.Missing = "repo"
		}
	}
	if exp := resp.Header.Get("GitHub-Authentication-Token-Expiration"); exp != "" {
		t, err := parseGitHubExpiry(exp)
		if err != nil {
			return v, fmt.Errorf("verify: unreadable expiry %q from %s", exp, api)
		}
		v.Expires = t
	}
	return v, nil
}

// parseGitHubExpiry reads the header's "2006-01-02 15:04:05 UTC" (or with a
// numeric zone) format.
func parseGitHubExpiry(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("unknown expiry format")
}

// apiMessage is the reason a forge's API gives in its JSON answer:
// "message" (GitHub, GitLab, Gitea, Bitbucket) or "error" (Hugging Face).
func apiMessage(body []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		return m.Message
	}
	var e struct {
		Error string `json:"error"` // a string; Bitbucket's is an object, and skipped
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	return "unauthorized"
}

// redactURLError keeps network errors to their cause; the request carries
// no secret in its URL, but keep messages short and single-line.
func redactURLError(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
