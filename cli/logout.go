package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// LogoutOptions are logout's flags and where it writes.
type LogoutOptions struct {
	StoreRef
	Host        string // "" with All: every host
	Username    string
	HasUsername bool // --username was given (possibly empty)
	Path        string
	HasPath     bool
	Protocol    string // "" for any
	All         bool   // remove every match, not just one
	Stdout      io.Writer
	// Others are the further stores git uses for the host, after StoreRef:
	// git's approve stored the token into each and its reject erases it
	// from each, so logout removes from each too.
	Others []StoreRef

	label string // names the store in messages when Name alone is ambiguous (see storeLabels)
}

// storeName names the store for messages.
func (o LogoutOptions) storeName() string {
	if o.label != "" {
		return o.label
	}
	return o.Name
}

// describe names the selection for messages: "github.com (username alice)".
func (o LogoutOptions) describe() string {
	var parts []string
	if o.Host != "" {
		parts = append(parts, o.Host)
	} else {
		parts = append(parts, "any host")
	}
	if o.HasUsername {
		parts = append(parts, "username "+o.Username)
	}
	if o.HasPath {
		parts = append(parts, "path "+o.Path)
	}
	if o.Protocol != "" {
		parts = append(parts, "protocol "+o.Protocol)
	}
	return strings.Join(parts, ", ")
}

func (o LogoutOptions) selects(c credential.Credential) bool {
	return (o.Host == "" || strings.EqualFold(c.Host, o.Host)) &&
		(o.Protocol == "" || c.Protocol == o.Protocol) &&
		(!o.HasUsername || c.Username == o.Username) &&
		(!o.HasPath || c.Path == o.Path || credential.PathsIgnoreCase(c.Host) && strings.EqualFold(c.Path, o.Path))
}

// entryKey identifies an entry for comparing the store before and after.
func entryKey(c credential.Credential) string {
	return c.URL() + "\x00" + c.Password + "\x00" + c.Credential
}

// Logout erases exactly the entries the flags select, from the store and
// the Others, and says which. With several matches in a store and no --all
// it refuses and lists them.
func Logout(ctx context.Context, o LogoutOptions) error {
	o.Path = strings.Trim(o.Path, "/")
	if o.Host == "" && !o.All {
		return errors.New("logout: say which host (git-credential-pat logout --host github.com) or remove everything with --all")
	}
	refs := append([]StoreRef{o.StoreRef}, o.Others...)
	o = o.withConfiguredUser(ctx, refs)
	if len(o.Others) == 0 {
		_, err := o.logoutFrom(ctx, true)
		return err
	}
	labels := storeLabels(refs)
	if !o.All {
		// Refuse an ambiguous selection before any store is changed.
		for i, ref := range refs {
			l, ok := ref.Store.(credential.Lister)
			if !ok {
				continue
			}
			es, err := l.List(ctx)
			if err != nil {
				return fmt.Errorf("logout: listing store %s: %w", labels[i], err)
			}
			var names []string
			for _, c := range es {
				if o.selects(c) {
					names = append(names, c.URL())
				}
			}
			if len(names) > 1 {
				return fmt.Errorf("logout: %d tokens match %s in store %s (%s); pick one with --username or --path, or remove them all with --all", len(names), o.describe(), labels[i], strings.Join(names, ", "))
			}
		}
	}
	matched := 0
	for i, ref := range refs {
		one := o
		one.StoreRef, one.Others = ref, nil
		one.label = labels[i] // Name stays the store list: forgetCached reads it
		n, err := one.logoutFrom(ctx, false)
		if err != nil {
			return err
		}
		matched += n
	}
	if matched == 0 {
		_, err := fmt.Fprintf(o.Stdout, "Nothing to remove: no token for %s in the stores git uses for it (%s).\n", o.describe(), strings.Join(labels, ", "))
		return err
	}
	return nil
}

// withConfiguredUser narrows a selection that names no username to the
// credential.username git applies to the host's URL, when more than one
// entry matches and that user's is among them: git asks only for that
// username, so that entry is the one git uses (login stores under it too).
// Without such a setting, or when no entry of that user matches, the
// selection stays as it was.
func (o LogoutOptions) withConfiguredUser(ctx context.Context, refs []StoreRef) LogoutOptions {
	if o.HasUsername || o.All || o.Host == "" {
		return o
	}
	user, set, err := gitconfig.CredentialValue(ctx, "", "username", HostURL(o.Protocol, o.Host, o.Path))
	if err != nil || !set || user == "" {
		return o
	}
	narrowed := o
	narrowed.Username, narrowed.HasUsername = user, true
	matches, theirs := 0, 0
	for _, r := range refs {
		l, ok := r.Store.(credential.Lister)
		if !ok {
			continue
		}
		es, err := l.List(ctx)
		if err != nil {
			continue // the logout itself reports it
		}
		for _, c := range es {
			if o.selects(c) {
				matches++
			}
			if narrowed.selects(c) {
				theirs++
			}
		}
	}
	if matches <= theirs || theirs == 0 {
		return o
	}
	fmt.Fprintf(o.Stdout, "Several tokens match %s; credential.username is %s, so git asks only for %s's: removing that one (the others: --username NAME, or --all).\n", o.describe(), credential.Printable(user), credential.Printable(user))
	return narrowed
}

// logoutFrom is Logout for the one store o names. It returns how many
// entries matched; with sayNothing it says so when none did.
func (o LogoutOptions) logoutFrom(ctx context.Context, sayNothing bool) (int, error) {
	l, ok := o.Store.(credential.Lister)
	if !ok {
		return 1, logoutBlind(ctx, o)
	}
	before, err := l.List(ctx)
	if err != nil {
		return 0, fmt.Errorf("logout: listing store %s: %w", o.storeName(), err)
	}
	var matches []credential.Credential
	for _, c := range before {
		if o.selects(c) {
			matches = append(matches, c)
		}
	}
	if len(matches) == 0 {
		if !sayNothing {
			return 0, nil
		}
		_, err := fmt.Fprintf(o.Stdout, "Nothing to remove: no token for %s in store %s%s.\n", o.describe(), o.storeName(), o.storedHint(before))
		return 0, err
	}
	if len(matches) > 1 && !o.All {
		var names []string
		for _, c := range matches {
			names = append(names, c.URL())
		}
		return len(matches), fmt.Errorf("logout: %d tokens match %s (%s); pick one with --username or --path, or remove them all with --all", len(matches), o.describe(), strings.Join(names, ", "))
	}
	for _, c := range matches {
		// The exact entry, token included, so others stay (git 2.42 rule).
		q := c.Persistent()
		q.PasswordExpiryUTC, q.OAuthRefreshToken = 0, ""
		if q.Path != "" && erasesOthers(q, before, o) {
			// git's reject also erases an owner or host-wide entry holding
			// the rejected token; logout --path removes that path's only.
			// Without a path the password must stay: a query without both
			// would match every entry of the host and user, whatever its
			// path or token.
			q.Password, q.HasPassword = "", false
		}
		if err := o.Store.Erase(ctx, q); err != nil {
			return len(matches), fmt.Errorf("logout: removing %s from store %s: %w", c.URL(), o.storeName(), err)
		}
	}
	o.forgetCached(ctx, credential.Credential{Host: o.Host})
	after, err := l.List(ctx)
	if err != nil {
		return len(matches), fmt.Errorf("logout: listing store %s after removing: %w", o.storeName(), err)
	}
	left := map[string]int{}
	for _, c := range after {
		left[entryKey(c)]++
	}
	removed := 0
	for _, c := range before {
		k := entryKey(c)
		if left[k] > 0 {
			left[k]--
			continue
		}
		removed++
		fmt.Fprintf(o.Stdout, "Removed %s (%s) from store %s\n", c.URL(), maskedSecret(c), o.storeName())
	}
	if removed < len(matches) {
		return len(matches), fmt.Errorf("logout: store %s still holds %d of the %d matching tokens; run git-credential-pat %slist to see them", o.storeName(), len(matches)-removed, len(matches), o.flagPrefix())
	}
	return len(matches), nil
}

// storedHint names the hosts the store does hold, so a logout that
// matched nothing (often the default host) can be retried.
func (o LogoutOptions) storedHint(entries []credential.Credential) string {
	var hosts []string
	for _, c := range entries {
		if !slices.ContainsFunc(hosts, func(h string) bool { return strings.EqualFold(h, c.Host) }) {
			hosts = append(hosts, c.Host)
		}
	}
	slices.Sort(hosts)
	switch {
	case len(hosts) == 0:
		return ", which holds none"
	case len(hosts) == 1 && !strings.EqualFold(hosts[0], o.Host):
		return fmt.Sprintf("; it holds tokens for %s only: git-credential-pat %slogout --host %s", hosts[0], o.flagPrefix(), shellQuote(hosts[0]))
	}
	return fmt.Sprintf("; it holds tokens for %s (see them with git-credential-pat %slist)", strings.Join(hosts, ", "), o.flagPrefix())
}

// erasesOthers reports whether erasing q would also remove an entry the
// flags do not select.
func erasesOthers(q credential.Credential, entries []credential.Credential, o LogoutOptions) bool {
	for _, e := range entries {
		if !o.selects(e) && credential.Erasable(q, e) {
			return true
		}
	}
	return false
}

// logoutBlind erases through a store that cannot list: it cannot say what
// matched, so it says what it asked for.
func logoutBlind(ctx context.Context, o LogoutOptions) error {
	if o.Host == "" {
		return fmt.Errorf("logout: %v; --all needs --host with this store", errCannotList(o.Name))
	}
	q := credential.Credential{Protocol: o.Protocol, Host: o.Host, Path: o.Path}
	if o.HasUsername {
		q.SetUsername(o.Username)
	}
	if err := o.Store.Erase(ctx, q); err != nil {
		return fmt.Errorf("logout: removing tokens for %s from store %s: %w", o.describe(), o.Name, err)
	}
	o.forgetCached(ctx, q)
	if q.Protocol == "" {
		q.Protocol = "https"
	}
	if _, err := o.Store.Get(ctx, q); err == nil {
		return fmt.Errorf("logout: store %s still answers for %s after the erase (a read-only store such as env?); remove the token where it comes from", o.Name, o.describe())
	}
	_, err := fmt.Fprintf(o.Stdout, "Removed every token for %s from store %s (this store cannot list its entries, so they are not named here)\n", o.describe(), o.Name)
	return err
}

func maskedSecret(c credential.Credential) string {
	if c.Password != "" {
		return forge.MaskToken(c.Password)
	}
	if c.Credential != "" {
		return c.AuthType + " " + forge.MaskToken(c.Credential)
	}
	return "no token"
}
