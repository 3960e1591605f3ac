package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/forge"
)

// huggingFaceAPI is the Hub API for a token stored for huggingface.co or
// hf.co on the HTTPS port (both Hugging Face's own; hf.co is its short
// name): https://huggingface.co/api, the one base Hugging Face documents
// (https://huggingface.co/docs/hub/api). "" for any other host or port,
// whose token is never sent there.
func huggingFaceAPI(host string) string {
	if !forge.IsHuggingFaceHub(host) {
		return ""
	}
	return cloudAPI.huggingface + "/api"
}

// huggingFaceWhoAmI is what GET /api/whoami-v2 answers: the account (or
// organization) and, for a user access token, its name, role and
// fine-grained permissions. The fields are those of huggingface.js'
// whoAmI (packages/hub/src/lib/who-am-i.ts) and of huggingface_hub's
// whoami(); Hugging Face's API page names the endpoint only ("Get username
// and organizations the user belongs to").
type huggingFaceWhoAmI struct {
	Name string `json:"name"`
	Auth struct {
		AccessToken *struct {
			DisplayName string `json:"displayName"`
			Role        string `json:"role"`       // "read", "write", "fineGrained" (and "admin" for old organization tokens)
			Expiration  string `json:"expiration"` // absent for user access tokens, which do not expire
			FineGrained *struct {
				Scoped []struct {
					Entity struct {
						Name string `json:"name"`
					} `json:"entity"`
					Permissions []string `json:"permissions"`
				} `json:"scoped"`
			} `json:"fineGrained"`
		} `json:"accessToken"`
	} `json:"auth"`
}

// VerifyHuggingFace asks GET {api}/whoami-v2 with the token as a bearer
// token, as Hugging Face documents it
// (https://huggingface.co/docs/hub/api#get-apiwhoami-v2). 200: valid, and
// the account is the login; 401: rejected (revoked or mistyped); anything
// else: not verified. git needs the write role, or a fine-grained token
// with repo.write ("Write access to contents/settings of repos") on the
// repositories' owner (https://huggingface.co/docs/hub/security-tokens);
// a read token is valid but cannot push. User access tokens do not expire:
// Hugging Face offers no expiry for them, and whoami-v2 gives none, so
// none is recorded; an expiration the API does send (OAuth tokens expire)
// is.
func VerifyHuggingFace(ctx context.Context, client *http.Client, api, token string) (Verification, error) {
	resp, body, err := do(ctx, client, http.MethodGet, api+"/whoami-v2", nil, map[string]string{"Authorization": "Bearer " + token})
	if err != nil {
		return Verification{}, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return Verification{}, fmt.Errorf("%w (401 %s): it is revoked or mistyped", ErrTokenRejected, apiMessage(body))
	default:
		return Verification{}, fmt.Errorf("%w (%s answered %s)", ErrUnreachable, api, resp.Status)
	}
	var who huggingFaceWhoAmI
	if err := json.Unmarshal(body, &who); err != nil {
		return Verification{}, fmt.Errorf("%w (%s sent unreadable JSON)", ErrUnreachable, api)
	}
	v := Verification{Login: who.Name}
	t := who.Auth.AccessToken
	if t == nil {
		return v, nil
	}
	v.Name = t.DisplayName
	if t.Expiration != "" {
		e, err := time.Parse(time.RFC3339, t.Expiration)
		if err != nil {
			return Verification{}, fmt.Errorf("%w (%s sent an unreadable expiration %q)", ErrUnreachable, api, t.Expiration)
		}
		v.Expires = e
	}
	switch t.Role {
	case "read":
		v.Scopes = "role read"
		v.Missing = "the write role" // a read token clones but cannot push
	case "fineGrained":
		var owners []string
		if t.FineGrained != nil {
			for _, s := range t.FineGrained.Scoped {
				if slices.Contains(s.Permissions, "repo.write") && s.Entity.Name != "" {
					owners = append(owners, s.Entity.Name)
				}
			}
		}
		v.Scopes = "fine-grained"
		if len(owners) > 0 {
			v.Scopes += ", repo.write on " + strings.Join(owners, ", ")
		} else {
			v.Missing = "repo.write (Write access to contents/settings of repos) on any owner"
		}
	case "":
	default:
		v.Scopes = "role " + t.Role
	}
	return v, nil
}
