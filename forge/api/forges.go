package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
)

// Base returns the REST API base for a token stored for host on a forge of
// kind, or "" when this program cannot verify tokens there. The API is
// always on the host the token is stored for (api.github.com, or the
// APIEnv override, for github.com only; api.SUBDOMAIN.ghe.com for
// SUBDOMAIN.ghe.com; https://huggingface.co/api for huggingface.co and
// hf.co), so a token never goes anywhere else. Bitbucket and
// Azure DevOps tokens are checked against their organization or
// repository, which Base does not know: see BaseFor.
func Base(host, kind string) (string, error) {
	if ok, err := askableHost(host); !ok {
		return "", err
	}
	switch kind {
	case forge.KindGitHub:
		return GitHubAPI(host)
	case forge.KindGitLab:
		return "https://" + host + "/api/v4", nil
	case forge.KindGitea:
		return "https://" + host + "/api/v1", nil
	case forge.KindHuggingFace:
		return huggingFaceAPI(host), nil
	case forge.KindBitbucketDC:
		return bitbucketDCAPI(host), nil
	case forge.KindGerrit:
		return gerritAPI(host), nil
	}
	return "", nil
}

// Verify asks the API of host's forge about token: GitHub's GET /user,
// GitLab's GET /personal_access_tokens/self, Gitea's GET /user, Azure
// DevOps' organization repositories, Bitbucket's repository, Bitbucket
// Data Center's projects and user, Hugging Face's GET /whoami-v2 (api
// from BaseFor). Gerrit checks the username too: see VerifyFor.
func Verify(ctx context.Context, client *http.Client, kind, api, token string) (Verification, error) {
	switch kind {
	case forge.KindGitLab:
		return VerifyGitLab(ctx, client, api, token)
	case forge.KindGitea:
		return VerifyGitea(ctx, client, api, token)
	case forge.KindAzure:
		return VerifyAzure(ctx, client, api, token)
	case forge.KindBitbucket:
		return VerifyBitbucket(ctx, client, api, token)
	case forge.KindHuggingFace:
		return VerifyHuggingFace(ctx, client, api, token)
	case forge.KindBitbucketDC:
		return VerifyBitbucketDC(ctx, client, api, token)
	case forge.KindGerrit:
		return VerifyGerrit(ctx, client, api, "", token) // not verified: no username
	}
	return VerifyGitHub(ctx, client, api, token)
}

// VerifyFor is Verify for the credential c as it is stored: its password
// is the token, and on Gerrit, which authenticates the username with it
// (VerifyGerrit), its username goes along.
func VerifyFor(ctx context.Context, client *http.Client, kind, api string, c credential.Credential) (Verification, error) {
	if kind == forge.KindGerrit {
		return VerifyGerrit(ctx, client, api, c.Username, c.Password)
	}
	return Verify(ctx, client, kind, api, c.Password)
}

func do(ctx context.Context, client *http.Client, method, url string, body []byte, header map[string]string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("verify: %w", err)
	}
	req.Header.Set("User-Agent", "git-credential-pat")
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return send(client, req)
}

// send makes one request to a forge's API and reads the answer. It never
// follows a redirect: Go's client keeps the Authorization header on a
// redirect to the same host over plain http, and any other header (GitLab's
// PRIVATE-TOKEN) on a redirect anywhere, so a token would go where only the
// API's answer, not the user, chose. A redirect is reported as an API that
// could not be asked (ErrUnreachable).
func send(client *http.Client, req *http.Request) (*http.Response, []byte, error) {
	c := http.Client{Timeout: 10 * time.Second}
	if client != nil {
		c = *client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	url := req.URL.Redacted()
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%s): %v", ErrUnreachable, url, redactURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return nil, nil, fmt.Errorf("%w (%s answered %s with a redirect, which is not followed: a token goes only to the API it was sent to)", ErrUnreachable, url, resp.Status)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, nil
}

// gitlabToken is GitLab's personal access token object:
// https://docs.gitlab.com/api/personal_access_tokens/#get-details-on-a-personal-access-token
type gitlabToken struct {
	Name      string   `json:"name"`
	Revoked   bool     `json:"revoked"`
	Active    bool     `json:"active"`
	Scopes    []string `json:"scopes"`
	ExpiresAt string   `json:"expires_at"` // "2024-12-31", or null
	Token     string   `json:"token"`      // only in a rotate answer
}

func (t gitlabToken) verification() (Verification, error) {
	v := Verification{Name: t.Name, Scopes: strings.Join(t.Scopes, ", ")}
	if t.ExpiresAt != "" {
		// GitLab tokens expire at the start of expires_at (UTC).
		e, err := time.Parse("2006-01-02", t.ExpiresAt)
		if err != nil {
			return v, fmt.Errorf("verify: unreadable expiry %q from GitLab", t.ExpiresAt)
		}
		v.Expires = e
	}
	// git needs read_repository and write_repository, or api:
	// https://docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes
	has := map[string]bool{}
	for _, s := range t.Scopes {
		has[s] = true
	}
	if !has["api"] {
		var missing []string
		for _, s := range []string{"read_repository", "write_repository"} {
			if !has[s] {
				missing = append(missing, s)
			}
		}
		v.Missing = strings.Join(missing, ", ")
	}
	return v, nil
}

// VerifyGitLab asks GET {api}/personal_access_tokens/self (GitLab 15.5+):
// https://docs.gitlab.com/api/personal_access_tokens/#using-a-request-header
// A revoked or expired token answers 401; an inactive one is refused too.
func VerifyGitLab(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	resp, body, err := do(ctx, client, http.MethodGet, api+"/personal_access_tokens/self", nil, map[string]string{"PRIVATE-TOKEN": token})
	if err != nil {
		return Verification{}, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked, expired or mistyped", ErrTokenRejected, apiMessage(body))
	case resp.StatusCode != http.StatusOK:
		return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	var t gitlabToken
	if err := json.Unmarshal(body, &t); err != nil {
		return Verification{}, fmt.Errorf("%w (%s sent unreadable JSON)", ErrUnreachable, api)
	}
	if t.Revoked || !t.Active {
		return Verification{}, fmt.Errorf("%w: GitLab says the token is revoked or inactive", ErrTokenRejected)
	}
	return t.verification()
}

// RotateGitLab rotates the token through POST
// {api}/personal_access_tokens/self/rotate (GitLab 16.10+; the token needs
// the api or self_rotate scope), which revokes it and returns its
// successor: https://docs.gitlab.com/api/personal_access_tokens/#rotate-a-personal-access-token
// expires, when not zero, asks for that expiry date (GitLab caps it at a
// year; without one GitLab picks a week).
func RotateGitLab(ctx context.Context, client *http.Client, api, token string, expires time.Time) (string, Verification, error) {
	url := api + "/personal_access_tokens/self/rotate"
	if !expires.IsZero() {
		url += "?expires_at=" + expires.UTC().Format("2006-01-02")
	}
	resp, body, err := do(ctx, client, http.MethodPost, url, nil, map[string]string{"PRIVATE-TOKEN": token})
	if err != nil {
		return "", Verification{}, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return "", Verification{}, fmt.Errorf("%w (401 %s): it is revoked, expired or mistyped", ErrTokenRejected, apiMessage(body))
	case resp.StatusCode == http.StatusForbidden:
		return "", Verification{}, fmt.Errorf("GitLab refused to rotate the token (403 %s): it needs the api or self_rotate scope", apiMessage(body))
	case resp.StatusCode != http.StatusOK:
		return "", Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	var t gitlabToken
	if err := json.Unmarshal(body, &t); err != nil || t.Token == "" {
		return "", Verification{}, fmt.Errorf("%w (%s sent no new token)", ErrUnreachable, api)
	}
	v, err := t.verification()
	return t.Token, v, err
}

// VerifyGitea asks GET {api}/user, with the token in the Authorization
// header as Gitea and Forgejo document it:
// https://docs.gitea.com/development/api-usage#authentication ,
// https://forgejo.org/docs/latest/user/api-usage/
func VerifyGitea(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	resp, body, err := do(ctx, client, http.MethodGet, api+"/user", nil, map[string]string{"Authorization": "token " + token})
	if err != nil {
		return Verification{}, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked or mistyped", ErrTokenRejected, apiMessage(body))
	case resp.StatusCode == http.StatusForbidden:
		// A token without the read:user scope may not read /user; it
		// authenticated, so it is valid.
		return Verification{Missing: "read:user (to read the account)"}, nil
	case resp.StatusCode != http.StatusOK:
		return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	var user struct {
		Login string `json:"login"`
	}
	if err := json.Unmarshal(body, &user); err != nil {
		return Verification{}, fmt.Errorf("%w (%s sent unreadable JSON)", ErrUnreachable, api)
	}
	return Verification{Login: user.Login}, nil
}

// ProbeGitea reports whether host runs Gitea or Forgejo, by asking GET
// https://HOST/api/v1/version (no token is sent), which both answer with
// {"version": "..."}: https://docs.gitea.com/api/1.22/#tag/miscellaneous/operation/getVersion
func ProbeGitea(ctx context.Context, client *http.Client, host string) (version string, ok bool) {
	body, ok := probe(ctx, client, "https://"+host+"/api/v1/version", host)
	if !ok {
		return "", false
	}
	var v struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(body, &v) != nil || v.Version == "" {
		return "", false
	}
	return v.Version, true
}

// probe asks url, on host, whether host runs a forge: with no token, and
// only of a host an API may be asked (askableHost). ok is a 200 answer,
// whose body the forge's probe reads.
func probe(ctx context.Context, client *http.Client, url, host string) (body []byte, ok bool) {
	if ok, _ := askableHost(host); !ok {
		return nil, false
	}
	resp, body, err := do(ctx, client, http.MethodGet, url, nil, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, false
	}
	return body, true
}

// forgesFile is where login remembers which forge a self-hosted host runs
// (one "host kind" line each), in the XDG state directory, 0600.
func forgesFile() (string, error) {
	d, err := xdg.StateDir()
	return filepath.Join(d, "forges"), err
}

// Remembered is the forge login learned host runs, or "".
func Remembered(host string) string {
	p, err := forgesFile()
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		h, k, ok := strings.Cut(line, "\t")
		if ok && strings.EqualFold(h, host) {
			return k
		}
	}
	return ""
}

// Remember records that host runs a forge of kind, for Remembered.
func Remember(host, kind string) error {
	if strings.ContainsAny(host+kind, "\t\n\r") {
		return fmt.Errorf("remember forge: host %q is not a host name", credential.HostName(host))
	}
	p, err := forgesFile()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("remember forge: %w", err)
	}
	var keep []string
	if b, err := os.ReadFile(p); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if h, _, ok := strings.Cut(line, "\t"); ok && !strings.EqualFold(h, host) {
				keep = append(keep, line)
			}
		}
	}
	keep = append(keep, host+"\t"+kind)
	f, err := os.CreateTemp(filepath.Dir(p), ".forges-*") // 0600
	if err != nil {
		return fmt.Errorf("remember forge: %w", err)
	}
	_, werr := f.WriteString(strings.Join(keep, "\n") + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), p)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("remember forge: %w", werr)
	}
	return nil
}

// askableHost reports whether an API URL may be built from host: not for
// a wildcard entry, which names no one server to ask, and with an error
// for a host that would not be the URL's host ("evil.example?x.ghe.com"
// ends at "?"), so a token never goes to a server its entry does not name.
// login and git's store already refuse such hosts; this holds for every
// caller.
func askableHost(host string) (bool, error) {
	if err := credential.CheckHost(host); err != nil {
		return false, fmt.Errorf("forge API: %w", err)
	}
	return !strings.Contains(host, "*"), nil
}
