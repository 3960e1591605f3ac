package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Gerrit's REST API is at the root of the host git's remotes name
// (https://HOST/...), and every JSON answer starts with the line )]}',
// which guards against cross-site script inclusion and is stripped before
// the JSON is read:
// https://gerrit-review.googlesource.com/Documentation/rest-api.html#output
//
// A Gerrit served under a path prefix (https://HOST/gerrit/) is not
// recognised: login asks only https://HOST/config/server/version, so such
// a host stays an unknown forge and its token is stored unverified. A
// token therefore goes only to https://HOST/a/accounts/self, on the host
// it is stored for, never to a path a server's answer chose.

// gerritXSSIPrefix starts every JSON answer of Gerrit's REST API.
const gerritXSSIPrefix = ")]}'"

// gerritJSON strips Gerrit's XSSI prefix line from body, and reports
// whether it was there: an answer without it is not Gerrit's.
func gerritJSON(body []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(body, []byte(gerritXSSIPrefix))
	if !ok {
		return nil, false
	}
	rest = bytes.TrimLeft(rest, "\r\n")
	return rest, true
}

// gerritAPI is the REST API root of a Gerrit at host: https://HOST.
func gerritAPI(host string) string { return "https://" + host }

// ProbeGerrit reports whether host runs Gerrit Code Review, by asking GET
// https://HOST/config/server/version (no credential is sent), which Gerrit
// answers anonymously with its version as a JSON string after the XSSI
// prefix:
// https://gerrit-review.googlesource.com/Documentation/rest-api-config.html#get-version
func ProbeGerrit(ctx context.Context, client *http.Client, host string) (version string, ok bool) {
	body, ok := probe(ctx, client, gerritAPI(host)+"/config/server/version", host)
	if !ok {
		return "", false
	}
	b, ok := gerritJSON(body)
	if !ok {
		return "", false
	}
	if json.Unmarshal(b, &version) != nil || strings.TrimSpace(version) == "" {
		return "", false
	}
	return version, true
}

// gerritAccount is Gerrit's AccountInfo, as GET /accounts/self answers it:
// https://gerrit-review.googlesource.com/Documentation/rest-api-accounts.html#account-info
type gerritAccount struct {
	AccountID int    `json:"_account_id"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	Name      string `json:"name"`
}

// VerifyGerrit asks GET {api}/a/accounts/self with username and token as
// HTTP Basic auth: the /a/ prefix makes Gerrit authenticate the request,
// with the HTTP credential from the account's settings
// (https://gerrit-review.googlesource.com/Documentation/rest-api.html#authentication),
// and /accounts/self is the account it authenticated
// (https://gerrit-review.googlesource.com/Documentation/rest-api-accounts.html#get-account).
// 200: valid, and the account's username (else its e-mail) is the login;
// 401: rejected (a wrong username, or a revoked, expired or mistyped
// credential); anything else: not verified. Gerrit has no scopes: what
// the credential may do is what the account may.
//
// Expiry: HTTP passwords do not expire; newer Gerrit releases replace them
// with authentication tokens that may have a lifetime (the design:
// https://www.gerritcodereview.com/design-docs/multiple-http-passwords-with-lifetime-solution.html).
// Gerrit keeps only a hash of each token, and nothing in an authenticated
// answer says which of the account's tokens was presented, so its expiry
// cannot be learned: ExpiryUnknown, and login suggests --expires.
func VerifyGerrit(ctx context.Context, client *http.Client, api, username, token string) (Verification, error) {
	if username == "" {
		return Verification{}, fmt.Errorf("%w (Gerrit checks the username, and none was given)", ErrUnreachable)
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(username+":"+token))
	resp, body, err := do(ctx, client, http.MethodGet, api+"/a/accounts/self", nil, map[string]string{"Authorization": auth})
	if err != nil {
		return Verification{}, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		// Gerrit answers a plain-text reason, never the credential.
		return Verification{}, fmt.Errorf("%w (401): the username is not the Gerrit account's, or the HTTP credential is revoked, expired or mistyped", ErrTokenRejected)
	default:
		return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	b, ok := gerritJSON(body)
	var a gerritAccount
	if !ok || json.Unmarshal(b, &a) != nil {
		return Verification{}, fmt.Errorf("%w (%s sent no Gerrit account)", ErrUnreachable, api)
	}
	login := a.Username
	if login == "" {
		login = a.Email
	}
	return Verification{Login: login, ExpiryUnknown: true}, nil
}

// gerritKeepWhy is KeepOnErase's line for a Gerrit credential its API
// still accepts: Gerrit has no scopes or per-owner tokens, so a refused
// request means the account may not read or push to the repository
// (https://gerrit-review.googlesource.com/Documentation/access-control.html).
func gerritKeepWhy(host, where string) string {
	return fmt.Sprintf("kept the token for %s: Gerrit's API says the username and HTTP credential are still valid, so %s refused them for another reason: the Gerrit account may not read or push to this repository (a project's owners grant that in its access rights), or the repository does not exist", host, where)
}
