package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
)

// EraseCheckTimeout bounds how long git's erase waits for the forge.
const EraseCheckTimeout = 3 * time.Second

// Secret is the token c carries, for asking its forge about it: the
// password, or the credential of a bearer entry (authtype=Bearer, as
// Bitbucket Data Center project and repository tokens are stored); false
// when c carries neither.
func Secret(c credential.Credential) (string, bool) {
	switch {
	case c.HasPassword && c.Password != "":
		return c.Password, true
	case strings.EqualFold(c.AuthType, "Bearer") && c.Credential != "":
		return c.Credential, true
	}
	return "", false
}

// KeepOnErase is the check git's erase runs for a known forge before it
// forgets a token: git calls erase after any 401 or 403, also when the
// token is fine but does not cover the repository. It asks the API of the
// token's own host (under EraseCheckTimeout) and reports keep=true, with
// one line saying why the request was refused and what to do, only when
// the API says the token is still valid. Revoked, expired, an unreachable
// API, a host that is not a known forge, or no password: keep=false, and
// the caller erases as git expects. The caller decides whether checks are
// on at all (GIT_CREDENTIAL_PAT_VERIFY=0 turns them off).
func KeepOnErase(ctx context.Context, client *http.Client, c credential.Credential) (keep bool, why string) {
	token, ok := Secret(c)
	if !ok || c.Protocol != "https" {
		return false, ""
	}
	kind := forge.Kind(c.Host, Remembered(c.Host), token)
	c.SetPassword(token)
	api, err := BaseFor(c, kind)
	if err != nil || api == "" {
		return false, ""
	}
	ctx, cancel := context.WithTimeout(ctx, EraseCheckTimeout)
	defer cancel()
	v, err := VerifyFor(ctx, client, kind, api, c)
	where := c.Protocol + "://" + c.Host
	if c.Path != "" {
		where += "/" + c.Path
	}
	switch {
	case errors.Is(err, ErrSSORequired):
		return true, fmt.Sprintf("kept the token for %s: it is valid, but %v", c.Host, err)
	case err != nil:
		return false, ""
	}
	if kind == forge.KindGerrit {
		return true, gerritKeepWhy(c.Host, where)
	}
	why = fmt.Sprintf("kept the token for %s: %s's API says it is still valid, so %s refused it for another reason: the token does not cover this repository (another owner or organization, SSO not authorized, or a missing scope", c.Host, kind, where)
	if s := forge.Scopes(kind); s != "" {
		why += "; git needs " + s
	}
	if v.Missing != "" {
		why += "; this token lacks " + v.Missing
	}
	why += "); fix the token at " + forge.TokenPage(c.Host, kind) + ", or store one for the owner with git-credential-pat login --host " + c.Host + " --owner " + forge.OwnerPlaceholder(kind, c.Path)
	return true, why
}
