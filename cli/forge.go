package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Verification is what a forge's API says about a token.
type Verification struct {
	Login   string    // the account the token belongs to
	Expires time.Time // zero when the token does not expire (or the forge does not say)
	Scopes  string    // classic tokens' OAuth scopes, as the forge lists them
}

// Reasons a verification fails. ErrUnreachable means "could not ask": the
// token may be fine, and callers store it with a note that it is unverified.
var (
	ErrTokenRejected = errors.New("the forge rejected the token")
	ErrSSORequired   = errors.New("the token needs SSO authorization for this organization")
	ErrUnreachable   = errors.New("could not reach the forge's API")
)

// APIEnv overrides the API base URL (for GitHub Enterprise setups and tests).
const APIEnv = "GIT_CREDENTIAL_PAT_API_URL"

// GitHubAPI returns the REST API base for a GitHub host: api.github.com for
// github.com, https://HOST/api/v3 for GitHub Enterprise Server; "" when the
// host is not known to be GitHub and no override is set.
func GitHubAPI(host string) string {
	if v := os.Getenv(APIEnv); v != "" {
		return strings.TrimSuffix(v, "/")
	}
	switch h := strings.ToLower(host); {
	case h == "github.com":
		return "https://api.github.com"
	case strings.HasPrefix(h, "github.") || strings.HasSuffix(h, ".ghe.com"):
		return "https://" + host + "/api/v3"
	}
	return ""
}

// VerifyGitHub asks GET {api}/user who the token belongs to and when it
// expires (GitHub's GitHub-Authentication-Token-Expiration header). The
// token travels only in the Authorization header.
func VerifyGitHub(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, api+"/user", nil)
	if err != nil {
		return Verification{}, fmt.Errorf("verify: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("User-Agent", "git-credential-pat")
	resp, err := client.Do(req)
	if err != nil {
		return Verification{}, fmt.Errorf("%w (%s): %v", ErrUnreachable, api, redactURLError(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
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

func apiMessage(body []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		return m.Message
	}
	return "unauthorized"
}

// redactURLError keeps network errors to their cause; the request carries
// no secret in its URL, but keep messages short and single-line.
func redactURLError(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
