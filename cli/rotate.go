package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
	"github.com/git-credential-pat/git-credential-pat/forge"
	forgeapi "github.com/git-credential-pat/git-credential-pat/forge/api"
)

// Rotate replaces a stored token with a new one read like login's, keeping
// the old entry's username and owner/path, so nothing else needs changing.
func Rotate(ctx context.Context, o LoginOptions) error {
	l, ok := o.Store.(credential.Lister)
	if !ok {
		return fmt.Errorf("rotate: store %s cannot list its entries; use: git-credential-pat %slogin", o.Name, o.flagPrefix())
	}
	entries, err := l.List(ctx)
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	want, err := loginTarget("rotate", LoginOptions{Host: o.Host, Protocol: o.Protocol, Path: o.Path, Owner: o.Owner, Username: "-"})
	if err != nil {
		return err
	}
	var matches []credential.Credential
	for _, e := range entries {
		if e.Protocol == want.Protocol && strings.EqualFold(e.Host, want.Host) &&
			(o.Path == "" && o.Owner == "" || strings.EqualFold(e.Path, want.Path)) &&
			(o.Username == "" || e.Username == o.Username) && holdsToken(e) &&
			// Entries of one key are one: the new token replaces them all.
			!slices.ContainsFunc(matches, func(m credential.Credential) bool { return credential.SameKey(m, e) }) {
			matches = append(matches, e)
		}
	}
	switch len(matches) {
	case 0:
		return fmt.Errorf("rotate: no token stored for %s://%s%s; store one with: git-credential-pat %slogin --host %s", want.Protocol, want.Host, pathSuffix(want.Path), o.flagPrefix(), want.Host)
	case 1:
	default:
		var names []string
		for _, m := range matches {
			names = append(names, m.URL())
		}
		return errors.New("rotate: several tokens match (" + strings.Join(names, ", ") + "); pick one with --username or --owner")
	}
	old := matches[0]
	o.Host, o.Protocol, o.Owner, o.Path, o.Username = old.Host, old.Protocol, "", old.Path, old.Username
	o.bearer = !old.HasPassword && old.Credential != "" // holdsToken: a bearer entry
	if o.ViaAPI {
		if err := rotateViaAPI(ctx, o, old); err != nil {
			return err
		}
	} else if err := Login(ctx, o); err != nil {
		return err
	} else if o.bearer {
		// A bearer entry the new token did not replace in place (Bitbucket
		// Data Center's answer made it a person's token, stored under their
		// username): remove the old one, which git would still be offered.
		// The erase names its credential, so a bearer entry login just
		// wrote with the same key is not it.
		if err := o.Store.Erase(ctx, old); err != nil && !errors.Is(err, credential.ErrNotFound) {
			return fmt.Errorf("rotate: stored the new token, but removing the old bearer entry %s failed: %w; remove it with: git-credential-pat %slogout --host %s", old.URL(), err, o.flagPrefix(), shellQuote(old.Host))
		}
	}
	// Older versions copied an owner's or host-wide token to each
	// repository git pushed to; such a copy still answers for its path.
	for _, e := range entries {
		if len(e.Path) > len(old.Path) && e.HasPassword && e.Password == old.Password && e.Protocol == old.Protocol &&
			strings.EqualFold(e.Host, old.Host) && credential.Covers(e, old) && o.Stderr != nil {
			// The path came through git's store: printable, as list shows it.
			fmt.Fprintln(o.Stderr, credential.Printable(fmt.Sprintf("git-credential-pat: warning: %s still holds the old token (a copy stored after a push) and answers for its repositories first; remove it with: git-credential-pat %slogout --host %s --path %s",
				e.URL(), o.flagPrefix(), shellQuote(e.Host), shellQuote(e.Path))))
		}
	}
	return nil
}

// holdsToken reports whether e holds a token rotate can replace: a
// password, or the credential of a bearer entry (authtype=Bearer, as
// login stores a Bitbucket Data Center project or repository token).
func holdsToken(e credential.Credential) bool {
	_, ok := forgeapi.Secret(e)
	return ok || e.HasPassword
}

func pathSuffix(p string) string {
	if p == "" {
		return ""
	}
	return "/" + p
}

// rotateViaAPI has the forge replace the token (GitLab's self-rotation,
// which revokes the old token as it issues the new one) and stores the new
// one in the store (every store of a chain). So that the new token is
// never lost, the store must first accept the old entry written again;
// only then is the forge asked.
func rotateViaAPI(ctx context.Context, o LoginOptions, old credential.Credential) error {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	if old.SecretRef {
		return fmt.Errorf("rotate --via-api: %s holds a secret reference, not a token; rotate the secret where it lives", old.URL())
	}
	kind := forge.Kind(old.Host, forgeapi.Remembered(old.Host), old.Password)
	if kind != forge.KindGitLab {
		which := "is not known to be GitLab"
		if kind != "" {
			which = "is " + kind
		}
		return fmt.Errorf("rotate --via-api: only GitLab rotates a token through its API, and %s %s; create a new token at %s and run: git-credential-pat %srotate --host %s", old.Host, which, forge.TokenPage(old.Host, kind), o.flagPrefix(), old.Host)
	}
	if strings.HasPrefix(old.Password, forge.GitLabDeployTokenPrefix) {
		// GitLab's API takes no deploy token (forgeapi.NotVerified): it
		// would only answer 401, which reads as a revoked token.
		return fmt.Errorf("rotate --via-api: GitLab deploy tokens cannot use GitLab's API, so GitLab cannot rotate this one; create a new deploy token where this one was made (the project's or group's Settings > Repository > Deploy tokens) and run: git-credential-pat %srotate --host %s", o.flagPrefix(), old.Host)
	}
	if o.verifyOff() {
		return fmt.Errorf("rotate --via-api asks %s's API, and verification is turned off (--no-verify or %s=0)", old.Host, VerifyEnv)
	}
	expires, err := expiry.ParseExpiry(o.Expires, now)
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	api, err := forgeapi.Base(old.Host, kind)
	if err != nil || api == "" {
		return fmt.Errorf("rotate --via-api: no API for %s: %v", old.Host, err)
	}
	// The store must take a write before the forge revokes the old token.
	if err := o.Store.Store(ctx, old); err != nil {
		return fmt.Errorf("rotate --via-api: store %s does not accept writes (%v); nothing was rotated", o.Name, err)
	}
	token, v, err := forgeapi.RotateGitLab(ctx, o.HTTP, api, old.Password, expires)
	if err != nil {
		return fmt.Errorf("rotate --via-api: %v; the stored token is unchanged", err)
	}
	c := old
	c.SetPassword(token)
	c.PasswordExpiryUTC = 0
	if !v.Expires.IsZero() {
		c.PasswordExpiryUTC = v.Expires.Unix()
	}
	if err := o.Store.Store(ctx, c); err != nil {
		// The old token is revoked now; say where the new one is not.
		return fmt.Errorf("rotate --via-api: GitLab rotated the token, but storing the new one in store %s failed: %v; the old token no longer works: create a new one at %s and run git-credential-pat %slogin --host %s", o.Name, err, forge.NewTokenURL(credential.HostName(old.Host)), o.flagPrefix(), old.Host)
	}
	o.forgetCached(ctx, c)
	line := fmt.Sprintf("Rotated %s through %s: stored %s for %s in store %s; the old token is revoked", forge.KindOf(token), api, forge.MaskToken(token), c.URL(), o.Name)
	if c.PasswordExpiryUTC != 0 {
		line += fmt.Sprintf(" (the new one %s, %s)", expiry.DescribeExpiry(c.PasswordExpiryUTC, now), time.Unix(c.PasswordExpiryUTC, 0).UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintln(o.Stdout, line)
	return nil
}
