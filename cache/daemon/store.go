package daemon

import (
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache/internal/wire"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

// store is the daemon's memory; the caller passes the time in, so tests
// can use any clock. It holds two kinds of item, each forgotten at its own
// deadline:
//   - entries, for the cache used as a store: credential.Entries with its
//     lookup and erase rules;
//   - answers, for Layer: another store's answer to one exact query. A copy
//     of some of that store's entries would answer differently from it: a
//     host-wide query would get an owner token just because the owner's
//     query came first. Each answer is kept under the identity of the store
//     that gave it (its space), so that two stores, say a work and a
//     personal credentials file, never see each other's answers.
type store struct {
	entries   credential.Entries // most recent first
	deadlines []time.Time        // deadlines[i] belongs to entries[i]
	hosts     []uint64           // hosts[i] is hostKey(entries[i].Host)
	answers   map[string]answer  // by space and answerKey (see spaceKey)
	next      time.Time          // the earliest deadline; zero when empty
}

type answer struct {
	query, cred credential.Credential
	deadline    time.Time
}

// spaceKey is where the answer to q from the store called space is kept.
func spaceKey(space string, q credential.Credential) string {
	b, _ := wire.EncodeCred(wire.AnswerKey(q)) // cannot fail: q was itself decoded
	return space + "\x00" + string(b)
}

// deadlineFor is the earlier of deadline and c's password expiry.
func deadlineFor(c credential.Credential, deadline time.Time) time.Time {
	if c.PasswordExpiryUTC != 0 {
		if exp := time.Unix(c.PasswordExpiryUTC, 0); exp.Before(deadline) {
			return exp
		}
	}
	return deadline
}

var hostSeed = maphash.MakeSeed()

// hostKey is what find compares before the full rules: a hash of host, or
// 0 for a host with a "*" label, which can answer other hosts (see
// credential.Covers). Comparing the hashes, 8 bytes side by side, instead
// of each entry's host string makes a lookup among 10,000 entries a scan
// of 80 KB rather than of every entry.
func hostKey(host string) uint64 {
	if strings.Contains(host, "*") {
		return 0
	}
	return maphash.String(hostSeed, host) | 1
}

// put adds c first, replacing the entry with the same key, as Entries.Put
// does, but in place so that each deadline and host key stays beside its
// entry.
func (s *store) put(c credential.Credential, deadline time.Time) {
	for i := range s.entries { // not IndexFunc: it copies every entry to compare
		if credential.SameKey(s.entries[i], c) {
			s.entries = slices.Delete(s.entries, i, i+1)
			s.deadlines = slices.Delete(s.deadlines, i, i+1)
			s.hosts = slices.Delete(s.hosts, i, i+1)
			break
		}
	}
	s.entries = slices.Insert(s.entries, 0, c)
	s.deadlines = slices.Insert(s.deadlines, 0, deadlineFor(c, deadline))
	s.hosts = slices.Insert(s.hosts, 0, hostKey(c.Host))
	s.setNext()
}

// find returns Entries.Find's answer among the live entries. For a query
// with a host it looks only at the entries that can match it: that host's
// (the same hash) and those with "*" labels, in their order, which is all
// Find could pick.
func (s *store) find(q credential.Credential, now time.Time) (credential.Credential, bool) {
	s.expire(now)
	if q.Host == "" { // any host, or (given empty) only hosts that are empty: rare
		return s.entries.Find(q, now)
	}
	want := hostKey(q.Host)
	var near credential.Entries
	for i, k := range s.hosts {
		if k == want || k == 0 {
			near = append(near, s.entries[i])
		}
	}
	c, ok := near.Find(q, now)
	clear(near) // let the secrets be collected
	return c, ok
}

// remove erases what q selects (credential.Erasable), answers included:
// the other store has just erased the same.
func (s *store) remove(q credential.Credential) {
	s.drop(func(c credential.Credential, _ time.Time) bool { return credential.Erasable(q, c) })
}

// list returns the live entries, most recent first.
func (s *store) list(now time.Time) []credential.Credential {
	s.expire(now)
	return slices.Clone(s.entries)
}

// remember keeps cred as the answer of the store called space to q.
func (s *store) remember(space string, q, cred credential.Credential, deadline time.Time) {
	if s.answers == nil {
		s.answers = map[string]answer{}
	}
	s.answers[spaceKey(space, q)] = answer{wire.AnswerKey(q), cred, deadlineFor(cred, deadline)}
	s.setNext()
}

// recall returns the answer remembered from the store called space for q.
func (s *store) recall(space string, q credential.Credential, now time.Time) (credential.Credential, bool) {
	s.expire(now)
	a, ok := s.answers[spaceKey(space, q)]
	return a.cred, ok
}

// stored forgets the answers that storing c may have changed: the one it
// replaced, and those of queries it covers at least as closely as their
// answer does (Entries.Find prefers the closest, then the most recent).
// Storing the answer itself changes nothing, and git does that after every
// successful request.
// It looks in every space: two store identities may read the same
// store (one file, with and without a resolver).
func (s *store) stored(c credential.Credential) {
	maps.DeleteFunc(s.answers, func(_ string, a answer) bool {
		if credential.SamePersistent(a.cred, c) {
			return false
		}
		return credential.SameKey(a.cred, c) ||
			credential.Covers(a.query, c) && credential.Specificity(a.query, c) >= credential.Specificity(a.query, a.cred)
	})
	s.setNext()
}

// forget drops the answers for q's protocol and host, whichever store gave
// them, and with entries the entries for them too: a command has changed a
// token for that host in a store the daemon cannot see. An empty protocol
// or host in q stands for every one. Stored and remove need the changed
// credential itself; a command that removed several, or cannot say which
// answers they were, forgets the host.
func (s *store) forget(q credential.Credential, entries bool) {
	about := func(c credential.Credential) bool {
		return (q.Protocol == "" || c.Protocol == q.Protocol) && (q.Host == "" || strings.EqualFold(c.Host, q.Host))
	}
	maps.DeleteFunc(s.answers, func(_ string, a answer) bool { return about(a.query) || about(a.cred) })
	if entries {
		s.drop(func(c credential.Credential, _ time.Time) bool { return about(c) })
	}
	s.setNext()
}

// expire drops what is due. It is cheap when nothing is: next says when.
func (s *store) expire(now time.Time) {
	if !s.next.IsZero() && !now.Before(s.next) {
		s.drop(func(_ credential.Credential, d time.Time) bool { return !now.Before(d) })
	}
}

// drop removes the entries and answers for which gone holds.
func (s *store) drop(gone func(credential.Credential, time.Time) bool) {
	kept := 0
	for i, e := range s.entries {
		if !gone(e, s.deadlines[i]) {
			s.entries[kept], s.deadlines[kept], s.hosts[kept] = e, s.deadlines[i], s.hosts[i]
			kept++
		}
	}
	clear(s.entries[kept:]) // let the secrets be collected
	s.entries, s.deadlines, s.hosts = s.entries[:kept], s.deadlines[:kept], s.hosts[:kept]
	maps.DeleteFunc(s.answers, func(_ string, a answer) bool { return gone(a.cred, a.deadline) })
	s.setNext()
}

func (s *store) setNext() {
	s.next = time.Time{}
	earlier := func(d time.Time) {
		if s.next.IsZero() || d.Before(s.next) {
			s.next = d
		}
	}
	for _, d := range s.deadlines {
		earlier(d)
	}
	for _, a := range s.answers {
		earlier(a.deadline)
	}
}

func (s *store) len() int { return len(s.entries) + len(s.answers) }

func (s *store) clear() { *s = store{} }
