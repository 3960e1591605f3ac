package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// userMismatch is an https remote URL that names a user (as Bitbucket's
// clone URLs do: https://alice@bitbucket.org/...) for whom no token is
// stored, on a host that has tokens stored under other usernames: git
// asks for that user's token, none answers, and git prompts.
type userMismatch struct {
	remoteURL
	Used   string   // the URL git uses, with the user
	User   string   // the user it names
	Host   string   // as in the URL
	Stored []string // the usernames stored for the host
	args   []string // git's arguments for the URL without the user
}

// Command is the git command that drops the user from the remote's URL,
// so that git asks for the host's token whatever its username.
func (m userMismatch) Command() string { return credential.Printable(gitCommand(m.args)) }

// describe says what is wrong, and the other way out: a token stored for
// the user. The user is percent-decoded, the stored usernames are the
// store's: either may hold a terminal escape, shown as '?'.
func (m userMismatch) describe(flagPrefix string) string {
	return credential.Printable(fmt.Sprintf("remote %s (%s) names the user %s (%s), so git asks only for %s's token; the tokens stored for %s go with %s, so git prompts (or store one for %s: git-credential-pat %slogin --host %s --username %s)",
		m.Remote, m.Kind(), m.User, credential.Printable(m.Used), m.User, m.Host, strings.Join(m.Stored, ", "), m.User, flagPrefix, shellQuote(m.Host), shellQuote(m.User)))
}

// userMismatches finds the remote URLs of urls that name a user git gets
// no token for (see userMismatch), looking in the stores git uses for each
// URL (storesFor; fallback when it is nil). Stores that cannot list their
// entries are not judged: no secret resolver runs to find out.
func userMismatches(ctx context.Context, dir string, urls []remoteURL, storesFor StoresFor, fallback StoreRef) []userMismatch {
	var out []userMismatch
	for _, u := range urls {
		uses := []string{u.Effective}
		if u.PushToo && u.PushEffective != u.Effective {
			uses = append(uses, u.PushEffective)
		}
		// Only a user written in the remote's own URL: one that a
		// url.insteadOf rule puts there is the rule's to drop.
		if withoutUser(u.Raw) == u.Raw {
			continue
		}
		for _, used := range uses {
			m, ok := userMismatchOf(ctx, dir, used, storesFor, fallback)
			if !ok {
				continue
			}
			m.remoteURL = u
			// With several URLs, set-url refuses to change one unless a
			// regex names which.
			m.args = setURLArgs(u, withoutUser(u.Raw))
			out = append(out, m)
			break
		}
	}
	return out
}

// userMismatchOf judges one URL git uses (see userMismatch).
func userMismatchOf(ctx context.Context, dir, used string, storesFor StoresFor, fallback StoreRef) (userMismatch, bool) {
	if !strings.HasPrefix(used, "https://") {
		return userMismatch{}, false
	}
	c, err := credential.ParseURL(used)
	if err != nil || c.Username == "" || c.HasPassword || c.Redacted().Username != c.Username {
		// A password in the URL is git's to use; so is a token given as
		// the user (https://TOKEN@github.com/...), which must not be shown
		// (nor suggested as login's --username, on its command line).
		return userMismatch{}, false
	}
	q := credential.Credential{Protocol: c.Protocol, Host: c.Host}
	q.SetUsername(c.Username)
	url := UserURL(c.Protocol, c.Username, c.Host, c.Path)
	if useHTTPPathFor(ctx, dir, url) {
		q.Path = c.Path
	}
	if !onlyListableLines(ctx, dir, url) {
		return userMismatch{}, false
	}
	refs := []StoreRef{fallback}
	if storesFor != nil {
		if refs, err = storesFor(ctx, url); err != nil {
			return userMismatch{}, false
		}
	}
	var stored []string
	for _, r := range refs {
		if r.Store == nil {
			continue
		}
		es, err := r.entries(ctx)
		if err != nil {
			return userMismatch{}, false // not judged
		}
		for _, e := range es {
			if credential.Covers(q, e) {
				return userMismatch{}, false
			}
			if e.Protocol == c.Protocol && strings.EqualFold(e.Host, c.Host) && e.Username != c.Username && !slices.Contains(stored, e.Username) {
				stored = append(stored, e.Username)
			}
		}
	}
	if len(stored) == 0 {
		return userMismatch{}, false // no token for the host: login's business
	}
	return userMismatch{Used: used, User: c.Username, Host: c.Host, Stored: stored}, true
}

// onlyListableLines reports whether every helper line git runs for url is
// one of ours whose stores can all be listed: then the lists say whether
// git gets a token for the URL's user. Another program's line may hold
// that user's token, and the env and agent stores answer any username, so
// with such a line the remote is not judged (and --fix never drops a user
// whose token git does get).
func onlyListableLines(ctx context.Context, dir, url string) bool {
	chain, _, _, err := gitconfig.ForURL(ctx, dir, url)
	if err != nil {
		return false
	}
	for _, h := range chain {
		if !IsOurHelper(h.Value) {
			return false
		}
		for _, name := range backends.ListNames(ourHelperArgs(h.Value).Store) {
			if d, ok := backends.Lookup(name); !ok || d.ReadOnly {
				return false
			}
		}
	}
	return true
}

// withoutUser is raw without the userinfo of its authority.
func withoutUser(raw string) string {
	prefix, _, rest, _ := credential.SplitUserinfo(raw)
	if prefix == raw { // no userinfo
		return raw
	}
	return prefix + rest
}
