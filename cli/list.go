package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/expiry"
	"github.com/git-credential-pat/git-credential-pat/forge"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// ListOptions are list's flags and where it writes.
type ListOptions struct {
	StoreRef
	Others    []StoreRef // further stores git uses, listed after StoreRef's
	JSON      bool
	ShowToken bool
	Stdout    io.Writer
	Now       func() time.Time
}

// ListEntry is one stored credential as list shows it (and --json prints).
type ListEntry struct {
	Protocol  string `json:"protocol"`
	Host      string `json:"host"`
	Path      string `json:"path,omitempty"`
	Username  string `json:"username"`
	Store     string `json:"store"`
	Token     string `json:"token"`                // masked unless --show-token
	TokenKind string `json:"token_kind,omitempty"` // e.g. "GitHub classic personal access token"
	AuthType  string `json:"authtype,omitempty"`   // for authtype/credential entries
	ExpiresAt string `json:"expires_at,omitempty"` // RFC 3339, UTC
	Expired   bool   `json:"expired"`
	Expiry    string `json:"expiry,omitempty"` // "expired", "expires in 3 days"
}

// cannotListError is the one-line message for stores without a Lister.
type cannotListError struct{ store string }

func (e *cannotListError) Error() string {
	return fmt.Sprintf("store %s cannot list its entries; use its own tools to see them, or keep tokens in --store file", e.store)
}

func errCannotList(name string) error { return &cannotListError{name} }

// entries lists the store's credentials, or errCannotList.
func (s StoreRef) entries(ctx context.Context) ([]credential.Credential, error) {
	l, ok := s.Store.(credential.Lister)
	if !ok {
		return nil, errCannotList(s.Name)
	}
	es, err := l.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing store %s: %w", s.Name, err)
	}
	return es, nil
}

// listEntry describes c for people and scripts.
func listEntry(c credential.Credential, store string, show bool, now time.Time) ListEntry {
	e := ListEntry{Protocol: c.Protocol, Host: c.Host, Path: c.Path, Username: c.Username, Store: store, AuthType: c.AuthType}
	secret := c.Password
	if !c.HasPassword && c.Password == "" {
		secret = c.Credential
	}
	e.TokenKind = forge.KindOf(secret)
	e.Token = forge.MaskToken(secret)
	if show {
		e.Token = secret
	}
	if c.PasswordExpiryUTC != 0 {
		e.ExpiresAt = time.Unix(c.PasswordExpiryUTC, 0).UTC().Format(time.RFC3339)
		e.Expired = c.Expired(now)
		e.Expiry = expiry.DescribeExpiry(c.PasswordExpiryUTC, now)
	}
	return e
}

// List prints the store's entries: a table, or JSON with --json. Tokens
// are masked unless ShowToken is set.
func List(ctx context.Context, o ListOptions) error {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	refs := append([]StoreRef{o.StoreRef}, o.Others...)
	labels := storeLabels(refs)
	out := []ListEntry{}
	var failed []string // with several stores, one that fails hides none of the others
	for i, ref := range refs {
		es, err := ref.entries(ctx)
		if err != nil && len(refs) == 1 {
			return fmt.Errorf("list: %w", err)
		}
		if err != nil {
			failed = append(failed, fmt.Sprintf("store %s: %v", labels[i], err))
			continue
		}
		for _, c := range es {
			out = append(out, listEntry(c, labels[i], o.ShowToken, now))
		}
	}
	if err := o.print(out, refs, labels); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("list: the entries above leave out %s", strings.Join(failed, "; "))
	}
	return nil
}

// print writes the entries as a table, or JSON with --json.
func (o ListOptions) print(out []ListEntry, refs []StoreRef, labels []string) error {
	if o.JSON {
		enc := json.NewEncoder(o.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out) == 0 {
		if len(refs) > 1 {
			_, err := fmt.Fprintf(o.Stdout, "No tokens in the stores git uses (%s). Add one with: git-credential-pat login\n", strings.Join(labels, ", "))
			return err
		}
		_, err := fmt.Fprintf(o.Stdout, "No tokens in store %s. Add one with: git-credential-pat %slogin\n", o.Name, o.flagPrefix())
		return err
	}
	tw := tabwriter.NewWriter(o.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tPATH\tUSERNAME\tTOKEN\tEXPIRES\tSTORE")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, e := range out {
		host := e.Host
		if e.Protocol != "https" {
			host = e.Protocol + "://" + host
		}
		token := e.Token
		if e.AuthType != "" && e.Token != "" && !strings.HasPrefix(token, e.AuthType) {
			token = e.AuthType + " " + token
		}
		// Host, path and username may have come through git's store from
		// a server: printed, they must not act on the terminal.
		p := credential.Printable
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p(host), dash(p(e.Path)), dash(p(e.Username)), dash(p(token)), dash(e.Expiry), p(e.Store))
	}
	return tw.Flush()
}

// storeLabels names each store for the STORE column: its name, and where
// two share a name (two files, two caches), the flags that tell them
// apart.
func storeLabels(refs []StoreRef) []string {
	labels := make([]string, len(refs))
	for i, r := range refs {
		labels[i] = r.Name
		for j, other := range refs {
			if j != i && other.Name == r.Name {
				labels[i] = strings.TrimSpace(r.Name + " " + strings.Join(r.Flags, " "))
				if a, _ := stores.ParseArgs(r.Flags); r.FilePath == "" && a.Options.Socket != "" {
					labels[i] = r.Name + ":" + a.Options.Socket
				}
				if r.FilePath != "" {
					labels[i] = r.Name + ":" + r.FilePath
				}
				break
			}
		}
	}
	return labels
}
