package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// bitbucketDCAPI is the REST API of a Bitbucket Data Center on host, the
// host its tokens are stored for: https://HOST/rest/api/1.0
// ("http://host:port/context/rest/api-name/api-version/path/to/resource":
// https://developer.atlassian.com/server/bitbucket/rest/v810/intro/). An
// instance served under a context path (https://HOST/bitbucket/) is not
// found there: login then stores the token unverified.
func bitbucketDCAPI(host string) string { return "https://" + host + "/rest/api/1.0" }

// ProbeBitbucketDC reports whether host runs Bitbucket Data Center (or
// Bitbucket Server), by asking GET https://HOST/rest/api/1.0/application-properties
// (no token is sent), which answers {"version": ..., "buildNumber": ...,
// "displayName": "Bitbucket"}: the System Maintenance group of
// https://developer.atlassian.com/server/bitbucket/rest/v807/api-group-system-maintenance/
func ProbeBitbucketDC(ctx context.Context, client *http.Client, host string) (version string, ok bool) {
	body, ok := probe(ctx, client, bitbucketDCAPI(host)+"/application-properties", host)
	if !ok {
		return "", false
	}
	var p struct {
		Version     string `json:"version"`
		DisplayName string `json:"displayName"`
	}
	if json.Unmarshal(body, &p) != nil || p.Version == "" || p.DisplayName != "Bitbucket" {
		return "", false
	}
	return p.Version, true
}

// bitbucketDCUserHeader names the user a request authenticated as, on
// every answer of Bitbucket Data Center (its developers' word, not its
// reference: https://community.developer.atlassian.com/t/obtain-authorised-users-username-from-api/24422).
const bitbucketDCUserHeader = "X-AUSERNAME"

// VerifyBitbucketDC asks Bitbucket Data Center about token, sent as a
// bearer token, which every HTTP access token takes ("In Git and API
// calls, you can use the project and repository level token only with
// Bearer authentication. Don't use this token with a username in Basic
// authentication": https://confluence.atlassian.com/bitbucketserver/personal-access-tokens-939515499.html).
//
// GET {api}/projects?limit=1: 401 is a rejected token (revoked, expired or
// mistyped); 200 a valid one, and its X-AUSERNAME header the user it acts
// as. Then GET {api}/users/{that user}: a "NORMAL" user is a person, so
// the token is their personal token and goes with their username in Basic
// authentication, as git sends it (Login); any other answer (a "SERVICE"
// user, which is "not able to authenticate via the UI or REST" on its own,
// https://docs.atlassian.com/bitbucket-server/javadoc/10.1.2/api/com/atlassian/bitbucket/user/UserType.html,
// or no answer) leaves the token a bearer token only (BearerOnly), which
// works for every kind of token. Bitbucket tells no token's expiry to the
// token itself (listing a user's tokens names none by its secret:
// https://confluence.atlassian.com/display/BitbucketServerKB/How+to+renew+personal+access+tokens+via+REST+API%27s+in+Bitbucket+Server).
func VerifyBitbucketDC(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	auth := map[string]string{"Authorization": "Bearer " + token}
	resp, body, err := do(ctx, client, http.MethodGet, api+"/projects?limit=1", nil, auth)
	if err != nil {
		return Verification{}, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked, expired or mistyped", ErrTokenRejected, bitbucketDCMessage(body))
	default:
		return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	v := Verification{ExpiryUnknown: true, BearerOnly: true}
	name := resp.Header.Get(bitbucketDCUserHeader)
	if !StorableLogin(name) {
		return v, nil // no username git could send: the bearer token works anyway
	}
	resp, body, err = do(ctx, client, http.MethodGet, api+"/users/"+url.PathEscape(name), nil, auth)
	if err != nil || resp.StatusCode != http.StatusOK {
		return v, nil
	}
	var u struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	if json.Unmarshal(body, &u) != nil || u.Name != name {
		return v, nil
	}
	switch u.Type {
	case "NORMAL":
		v.Login, v.BearerOnly = name, false
	case "SERVICE": // a project's or repository's token acts as one
		v.Service = name
	}
	return v, nil
}

// bitbucketDCMessage is the first error message of a Bitbucket Data Center
// error answer ({"errors":[{"message":"..."}]}), else apiMessage's.
func bitbucketDCMessage(body []byte) string {
	var e struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 && e.Errors[0].Message != "" {
		return credential.Printable(e.Errors[0].Message)
	}
	return apiMessage(body)
}
