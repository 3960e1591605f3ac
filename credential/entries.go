package credential

import (
	"strings"
	"time"
)

// Entries is an ordered list of stored credentials, most recent first. It
// gives list-based stores (memory, cache, file) one shared implementation of
// git's lookup, replace and erase rules.
type Entries []Credential

// Find returns the best entry Eligible for q at now: the most specific
// (see Specificity), and among equals the most recent.
func (es Entries) Find(q Credential, now time.Time) (Credential, bool) {
	best, bestRank := -1, -1
	for i := range es {
		e := &es[i]
		// Most entries are for other hosts: skip them before the full rules.
		if q.Host != "" && e.Host != q.Host && !strings.Contains(e.Host, "*") {
			continue
		}
		if r := Specificity(q, *e); r > bestRank && Eligible(q, *e, now) {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		return Credential{}, false
	}
	return es[best], true
}

// Put returns the list with c first and any entry with the same key removed.
func (es Entries) Put(c Credential) Entries {
	out := make(Entries, 0, len(es)+1)
	out = append(out, c)
	for _, e := range es {
		if !SameKey(e, c) {
			out = append(out, e)
		}
	}
	return out
}

// Remove returns the list without the entries erase q selects, and how many
// it removed.
func (es Entries) Remove(q Credential) (Entries, int) {
	out := es[:0:0]
	for _, e := range es {
		if !Erasable(q, e) {
			out = append(out, e)
		}
	}
	return out, len(es) - len(out)
}
