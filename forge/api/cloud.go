package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// BaseFor is Base for the credential c as it is stored (host, path,
// username, token), which Azure DevOps and Bitbucket Cloud need: their
// tokens are checked against the organization or repository they belong
// to. It returns "" when c cannot be verified; NotVerified says why.
// Like Base, the URL is always on the forge's own host: dev.azure.com or
// ORG.visualstudio.com for Azure DevOps, api.bitbucket.org for
// bitbucket.org (on the HTTPS port only).
func BaseFor(c credential.Credential, kind string) (string, error) {
	if ok, err := askableHost(c.Host); !ok {
		return "", err
	}
	switch kind {
	case forge.KindAzure:
		return azureAPI(c.Host, c.Path), nil
	case forge.KindBitbucket:
		return bitbucketAPI(c), nil
	case forge.KindGitLab:
		if strings.HasPrefix(c.Password, forge.GitLabDeployTokenPrefix) {
			return "", nil // the API refuses deploy tokens (NotVerified)
		}
	}
	return Base(c.Host, kind)
}

// NotVerified says why a token stored as c on a forge of kind cannot be
// verified, and what to do about it; "" when BaseFor has an API for it or
// the forge has no API this program knows.
func NotVerified(c credential.Credential, kind string) string {
	switch kind {
	case forge.KindGitLab:
		if strings.HasPrefix(c.Password, forge.GitLabDeployTokenPrefix) {
			return "GitLab deploy tokens cannot use GitLab's API, so it was not asked; git uses the token with its username"
		}
	case forge.KindGitHub:
		if forge.UnderGHEDotCom(c.Host) && !forge.IsGHEDotCom(c.Host) {
			return "GHE.com's API is only at api.SUBDOMAIN.ghe.com for an enterprise's own SUBDOMAIN.ghe.com on the HTTPS port; this host is not one, so no API was asked"
		}
	case forge.KindAzure:
		if azureAPI(c.Host, c.Path) == "" && isDefaultPort(c.Host, "dev.azure.com") {
			return "an Azure DevOps token can only be checked within its organization; store it per organization with: git-credential-pat login --host dev.azure.com --owner ORG"
		}
	case forge.KindHuggingFace:
		if !forge.IsHuggingFaceHub(c.Host) {
			return "Hugging Face's API is only at https://huggingface.co, for tokens stored for huggingface.co or hf.co on the HTTPS port; this host is not one, so no API was asked"
		}
	case forge.KindBitbucket:
		if bitbucketAPI(c) != "" || !isDefaultPort(c.Host, "bitbucket.org") {
			return ""
		}
		if isBitbucketAccessToken(c) {
			return "a Bitbucket access token is checked against a repository it covers; store it for one with: git-credential-pat login --host bitbucket.org --owner WORKSPACE/REPO"
		}
		return "Bitbucket's API needs your Atlassian account e-mail with an API token (https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/), which git-credential-pat does not keep; git itself uses the token with " + forge.BitbucketAPITokenUsername
	}
	return ""
}

// cloudAPI are the API roots of the forges whose host is fixed: the one
// place a token of dev.azure.com, bitbucket.org or huggingface.co (and
// hf.co) can go. Only tests in this package change it (to a TLS fake); no
// setting or environment variable can.
var cloudAPI = struct{ azure, bitbucket, huggingface string }{
	azure:       "https://dev.azure.com",
	bitbucket:   "https://api.bitbucket.org",
	huggingface: "https://huggingface.co", // "The base URL for those endpoints": https://huggingface.co/docs/hub/api
}

func isDefaultPort(host, name string) bool {
	return strings.EqualFold(host, name) || strings.EqualFold(host, name+":443")
}

// azureAPI is the REST API of the organization a token is stored for:
// https://dev.azure.com/ORG/_apis (the organization is the first path
// segment), or https://ORG.visualstudio.com/_apis, where the host names
// the organization. "" for dev.azure.com without a path. The pattern
// VERB https://dev.azure.com/{organization}/_apis/{area}/{resource}?api-version={version}
// is https://learn.microsoft.com/en-us/azure/devops/integrate/how-to/call-rest-api
func azureAPI(host, path string) string {
	if isDefaultPort(host, "dev.azure.com") {
		org, _, _ := strings.Cut(strings.Trim(path, "/"), "/")
		if org == "" {
			return ""
		}
		return cloudAPI.azure + "/" + url.PathEscape(org) + "/_apis"
	}
	name := strings.ToLower(credential.HostName(host))
	if strings.HasSuffix(name, ".visualstudio.com") && (host == credential.HostName(host) || strings.HasSuffix(host, ":443")) {
		return "https://" + name + "/_apis"
	}
	return ""
}

// VerifyAzure asks GET {api}/git/repositories, the organization's
// repositories, which needs the Code (read) scope git needs too
// (vso.code: https://learn.microsoft.com/en-us/rest/api/azure/devops/git/repositories/list?view=azure-devops-rest-7.1).
// The PAT goes as Basic auth with an empty username, as Microsoft shows
// ("prepend a colon to the PAT", then Base64):
// https://learn.microsoft.com/en-us/azure/devops/integrate/how-to/call-rest-api
// Answers: 200 valid; 401 rejected (revoked, expired, or not a token of
// this organization); 203 with a sign-in page is what Azure DevOps sends
// when it does not accept the credential, as people report in
// https://github.com/MicrosoftDocs/vsts-rest-api-specs/issues/97 and
// https://github.com/MicrosoftDocs/vsts-rest-api-specs/issues/574 (not in
// Microsoft's reference), so it counts as rejected too; 403 is a valid
// token without the scope. Azure DevOps gives neither the account nor the
// expiry for a PAT: reading a PAT's expiry needs the PAT lifecycle API,
// which takes a Microsoft Entra token, not a PAT
// (https://learn.microsoft.com/en-us/rest/api/azure/devops/tokens/).
func VerifyAzure(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(":"+token))
	resp, body, err := do(ctx, client, http.MethodGet, api+"/git/repositories?api-version=7.1", nil, map[string]string{"Authorization": auth})
	if err != nil {
		return Verification{}, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return Verification{ExpiryUnknown: true}, nil
	case http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked, expired, mistyped, or not a token of this organization", ErrTokenRejected, apiMessage(body))
	case http.StatusNonAuthoritativeInfo:
		return Verification{}, fmt.Errorf("%w (203, a sign-in page): Azure DevOps did not accept it; it is revoked, expired or mistyped", ErrTokenRejected)
	case http.StatusForbidden:
		return Verification{Missing: "Code (Read) on this organization", ExpiryUnknown: true}, nil
	}
	return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
}

// isBitbucketAccessToken reports whether c holds a repository, project or
// workspace access token: stored with x-token-auth, or carrying the
// ATCTT prefix (see forge.BitbucketAccessTokenPrefix).
func isBitbucketAccessToken(c credential.Credential) bool {
	return c.Username == forge.BitbucketAccessTokenUsername || strings.HasPrefix(c.Password, forge.BitbucketAccessTokenPrefix)
}

// bitbucketAPI is the Bitbucket Cloud API URL of the repository an access
// token is stored for, https://api.bitbucket.org/2.0/repositories/WS/REPO,
// for tokens stored for bitbucket.org with a WORKSPACE/REPO path; "" for
// any other host, path or token. Access tokens are sent to the API "as a
// bearer token in an HTTP Authorization header", shown against this very
// repository endpoint in
// https://support.atlassian.com/bitbucket-cloud/docs/using-access-tokens/
// (and likewise for project and workspace access tokens,
// https://support.atlassian.com/bitbucket-cloud/docs/using-project-access-tokens/).
// API tokens (ATATT...) are not verified: Bitbucket's API takes them with
// Basic auth and the Atlassian account e-mail, which git does not use:
// https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/
func bitbucketAPI(c credential.Credential) string {
	if !isDefaultPort(c.Host, "bitbucket.org") || !isBitbucketAccessToken(c) {
		return ""
	}
	parts := strings.Split(strings.Trim(c.Path, "/"), "/")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	repo := strings.TrimSuffix(parts[1], ".git")
	return cloudAPI.bitbucket + "/2.0/repositories/" + url.PathEscape(parts[0]) + "/" + url.PathEscape(repo)
}

// VerifyBitbucket asks GET {api} (a repository, see bitbucketAPI) with
// the access token as a bearer token. 200: valid; 401: rejected (revoked
// or mistyped); 403: valid, without the repository:read scope or without
// access to this repository; anything else (404 for a repository the token
// cannot see, say): not verified. The answer tells no expiry.
func VerifyBitbucket(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	resp, body, err := do(ctx, client, http.MethodGet, api, nil, map[string]string{"Authorization": "Bearer " + token})
	if err != nil {
		return Verification{}, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return Verification{ExpiryUnknown: true}, nil
	case http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked, expired or mistyped", ErrTokenRejected, apiMessage(body))
	case http.StatusForbidden:
		return Verification{Missing: "repository:read on this repository", ExpiryUnknown: true}, nil
	}
	return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
}
