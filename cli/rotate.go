package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
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
	want, err := loginTarget(LoginOptions{Host: o.Host, Protocol: o.Protocol, Path: o.Path, Owner: o.Owner, Username: "-"})
	if err != nil {
		return err
	}
	var matches []credential.Credential
	for _, e := range entries {
		if e.Protocol == want.Protocol && strings.EqualFold(e.Host, want.Host) &&
			(o.Path == "" && o.Owner == "" || strings.EqualFold(e.Path, want.Path)) &&
			(o.Username == "" || e.Username == o.Username) && e.HasPassword {
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
	if err := Login(ctx, o); err != nil {
		return err
	}
	// Older versions copied an owner's or host-wide token to each
	// repository git pushed to; such a copy still answers for its path.
	for _, e := range entries {
		if len(e.Path) > len(old.Path) && e.HasPassword && e.Password == old.Password && e.Protocol == old.Protocol &&
			strings.EqualFold(e.Host, old.Host) && credential.Covers(e, old) && o.Stderr != nil {
			fmt.Fprintf(o.Stderr, "git-credential-pat: warning: %s still holds the old token (a copy stored after a push) and answers for its repositories first; remove it with: git-credential-pat %slogout --host %s --path %s\n",
				e.URL(), o.flagPrefix(), shellQuote(e.Host), shellQuote(e.Path))
		}
	}
	return nil
}

func pathSuffix(p string) string {
	if p == "" {
		return ""
	}
	return "/" + p
}
