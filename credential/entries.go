package credential

import "time"

// Entries is an ordered list of stored credentials, most recent first. It
// gives list-based stores (memory, cache, file) one shared implementation of
// git's lookup, replace and erase rules.
type Entries []Credential

// Find returns the first (most recent) entry Eligible for q at now.
func (es Entries) Find(q Credential, now time.Time) (Credential, bool) {
	for _, e := range es {
		if Eligible(q, e, now) {
			return e, true
		}
	}
	return Credential{}, false
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
		if !Match(q, e, true) {
			out = append(out, e)
		}
	}
	return out, len(es) - len(out)
}
