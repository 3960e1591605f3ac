package daemon

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// The daemon's expiry rules, on a fake clock.
func TestStoreExpiry(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	withExpiry := func(c credential.Credential, s int) credential.Credential {
		c.PasswordExpiryUTC = at(s).Unix()
		return c
	}
	a, b := cred("a.tld", "pa"), cred("b.tld", "pb")

	type put struct {
		c        credential.Credential
		at, keep int // stored at, kept for (seconds)
	}
	type look struct {
		at   int
		host string
		want string // password, "" for not found
	}
	tests := []struct {
		name     string
		puts     []put
		looks    []look
		wantNext int // seconds after t0 of the earliest deadline at the end; -1 = empty
	}{
		{"kept until its timeout",
			[]put{{a, 0, 10}},
			[]look{{9, "a.tld", "pa"}, {10, "a.tld", ""}},
			-1},
		{"password expiry earlier than the timeout wins",
			[]put{{withExpiry(a, 5), 0, 10}},
			[]look{{4, "a.tld", "pa"}, {5, "a.tld", ""}},
			-1},
		{"timeout earlier than the password expiry wins",
			[]put{{withExpiry(a, 50), 0, 10}},
			[]look{{9, "a.tld", "pa"}, {10, "a.tld", ""}},
			-1},
		{"storing again restarts the timeout",
			[]put{{a, 0, 10}, {a, 8, 10}},
			[]look{{15, "a.tld", "pa"}, {18, "a.tld", ""}},
			-1},
		{"each entry keeps its own timeout",
			[]put{{a, 0, 10}, {b, 0, 100}},
			[]look{{20, "a.tld", ""}, {20, "b.tld", "pb"}},
			100},
		{"replacing the earliest entry moves the next expiry",
			[]put{{a, 0, 10}, {b, 0, 100}, {a, 1, 200}},
			[]look{{50, "a.tld", "pa"}},
			100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s store
			for _, p := range tc.puts {
				s.put(p.c, at(p.at+p.keep))
			}
			for _, l := range tc.looks {
				got, ok := s.find(cred(l.host, ""), at(l.at))
				if ok != (l.want != "") || got.Password != l.want {
					t.Errorf("at %ds get %s = %q, %v; want %q", l.at, l.host, got.Password, ok, l.want)
				}
			}
			want := time.Time{}
			if tc.wantNext >= 0 {
				want = at(tc.wantNext)
			}
			if !s.next.Equal(want) {
				t.Errorf("next expiry %v, want %v", s.next, want)
			}
		})
	}
}

func TestStoreOrderAndErase(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	later := now.Add(time.Hour)
	u1 := credential.Credential{Protocol: "https", Host: "h.tld"}
	u1.SetUsername("user1")
	u1.SetPassword("p1")
	u2 := u1
	u2.SetUsername("user2")
	u2.SetPassword("p2")

	var s store
	s.put(u1, later)
	s.put(u2, later)
	if got, _ := s.find(cred("h.tld", ""), now); got.Password != "p2" {
		t.Errorf("most recent first: got %q, want p2", got.Password)
	}
	if l := s.list(now); len(l) != 2 || l[0].Password != "p2" || l[1].Password != "p1" {
		t.Errorf("list = %v, want p2 then p1", l)
	}
	wrong := u1
	wrong.SetPassword("other")
	if s.remove(wrong); len(s.entries) != 2 {
		t.Errorf("erase with another password left %d entries, want 2", len(s.entries))
	}
	if s.remove(credential.Credential{Protocol: "https", Host: "h.tld"}); len(s.entries) != 0 {
		t.Errorf("erase host left %d entries, want 0", len(s.entries))
	}
	if !s.next.IsZero() {
		t.Errorf("next expiry %v after erasing everything, want none", s.next)
	}
}

// Layer's answers: kept per exact query, forgotten when a store or an
// erase may have changed them.
func TestStoreAnswers(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	later := now.Add(time.Hour)
	withPath := func(c credential.Credential, p string) credential.Credential { c.Path = p; return c }
	wide, acme := cred("github.com", "wide"), withPath(cred("github.com", "acme"), "acme")
	qHost, qAcme, qOther := cred("github.com", ""), withPath(cred("github.com", ""), "acme/x.git"), withPath(cred("github.com", ""), "other/x.git")

	tests := []struct {
		name   string
		change func(s *store)
		want   map[*credential.Credential]string // query -> remembered password, "" = forgotten
	}{
		{"answers only the exact query", func(*store) {},
			map[*credential.Credential]string{&qHost: "wide", &qAcme: "acme", &qOther: ""}},
		{"storing the answer again keeps it", func(s *store) { s.stored(acme) },
			map[*credential.Credential]string{&qHost: "wide", &qAcme: "acme"}},
		{"storing a closer or equal token forgets the answer", func(s *store) { s.stored(cred("github.com", "new-wide")) },
			map[*credential.Credential]string{&qHost: "", &qAcme: "acme"}},
		{"storing a token for a subpath forgets the answers it now gives", func(s *store) { s.stored(withPath(cred("github.com", "x"), "acme/x.git")) },
			map[*credential.Credential]string{&qHost: "wide", &qAcme: ""}},
		{"storing another owner's token keeps the rest", func(s *store) { s.stored(withPath(cred("github.com", "o"), "other")) },
			map[*credential.Credential]string{&qHost: "wide", &qAcme: "acme"}},
		{"erasing a token forgets the answers it gave", func(s *store) { s.remove(acme) },
			map[*credential.Credential]string{&qHost: "wide", &qAcme: ""}},
		{"expired answers are forgotten", func(s *store) { s.expire(later) },
			map[*credential.Credential]string{&qHost: "", &qAcme: ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s store
			s.remember("", qHost, wide, later)
			s.remember("", qAcme, acme, later)
			tc.change(&s)
			for q, want := range tc.want {
				got, _ := s.recall("", *q, now)
				if got.Password != want {
					t.Errorf("recall path %q = %q, want %q", q.Path, got.Password, want)
				}
			}
			if _, ok := s.find(qHost, now); ok {
				t.Error("an answer leaked into the entries")
			}
		})
	}
}

// cred is a credential for host; with a password, for user "u".
func cred(host, password string) credential.Credential {
	c := credential.Credential{Protocol: "https", Host: host}
	if password != "" {
		c.SetUsername("u")
		c.SetPassword(password)
	}
	return c
}

// fill returns a store holding n entries for h0.example.com ... .
// Built directly: n puts would cost O(n²), seconds for 10,000.
func fill(n int, deadline time.Time) *store {
	s := &store{}
	for i := n - 1; i >= 0; i-- { // most recent first
		c := cred(fmt.Sprintf("h%d.example.com", i), fmt.Sprintf("pw-%d", i))
		s.entries = append(s.entries, c)
		s.deadlines = append(s.deadlines, deadline)
		s.hosts = append(s.hosts, hostKey(c.Host))
	}
	s.setNext()
	return s
}

// BenchmarkStoreFind is one lookup among 10,000 entries, in process.
func BenchmarkStoreFind(b *testing.B) {
	now := time.Now()
	s := fill(10_000, now.Add(time.Hour))
	q := cred("h5000.example.com", "")
	b.ResetTimer()
	for range b.N {
		if _, ok := s.find(q, now); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkStorePut(b *testing.B) {
	now := time.Now()
	s := fill(10_000, now.Add(time.Hour))
	c := cred("h5000.example.com", "new")
	b.ResetTimer()
	for range b.N {
		s.put(c, now.Add(time.Hour))
	}
}

// find, which looks only at entries whose host key can match, answers as
// Entries.Find over every entry does, after any mix of puts, erases,
// forgets and expiries; and each host key stays beside its entry.
func TestStoreFindMatchesFullScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	hosts := []string{"a.example.com", "A.example.com", "b.example.com", "*.example.com", "*.EXAMPLE.com",
		"x.*.com", "x.y.com", "", "a.example.com:8443", "*.example.com:8443", "*", "q"}
	// unfiltered is Find's rule with no shortcut for other hosts: the most
	// specific eligible entry, the most recent among equals.
	unfiltered := func(es credential.Entries, q credential.Credential, now time.Time) (credential.Credential, bool) {
		best, rank := -1, -1
		for i := range es {
			if r := credential.Specificity(q, es[i]); r > rank && credential.Eligible(q, es[i], now) {
				best, rank = i, r
			}
		}
		if best < 0 {
			return credential.Credential{}, false
		}
		return es[best], true
	}
	pick := func() credential.Credential {
		c := credential.Credential{Protocol: []string{"https", "http"}[r.IntN(2)], Host: hosts[r.IntN(len(hosts))]}
		c.HasHost = c.Host == "" && r.IntN(2) == 0 // an empty host given, not left out
		if r.IntN(4) == 0 {
			c.Path = []string{"org", "org/repo.git", "other"}[r.IntN(3)]
		}
		if r.IntN(3) == 0 {
			c.SetUsername([]string{"u", "v"}[r.IntN(2)])
		}
		return c
	}
	now := time.Unix(1_000_000, 0)
	s := &store{}
	found, otherHost := 0, 0
	for step := 0; step < 5000; step++ {
		switch op := r.IntN(10); {
		case op < 6:
			c := pick()
			c.SetUsername([]string{"u", "v"}[r.IntN(2)])
			c.SetPassword(fmt.Sprintf("pw-%d", step))
			s.put(c, now.Add(time.Duration(1+r.IntN(100))*time.Second))
		case op == 6:
			s.remove(pick())
		case op == 7:
			s.forget(credential.Credential{Protocol: "https", Host: hosts[r.IntN(len(hosts))]}, r.IntN(2) == 0)
		default:
			now = now.Add(time.Duration(r.IntN(3)) * time.Second)
		}
		if len(s.hosts) != len(s.entries) {
			t.Fatalf("step %d: %d host keys for %d entries", step, len(s.hosts), len(s.entries))
		}
		for i := range s.entries {
			if s.hosts[i] != hostKey(s.entries[i].Host) {
				t.Fatalf("step %d: host key %d is not its entry's (%q)", step, i, s.entries[i].Host)
			}
		}
		q := pick()
		got, gotOK := s.find(q, now)
		want, wantOK := unfiltered(s.entries, q, now)
		if gotOK != wantOK || !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: find(%+v) = %+v, %v; a full scan gives %+v, %v", step, q.Redacted(), got.Redacted(), gotOK, want.Redacted(), wantOK)
		}
		if gotOK {
			found++
			if got.Host != q.Host {
				otherHost++
			}
		}
		if r.IntN(500) == 0 {
			s.clear()
		}
	}
	if found < 500 || otherHost < 50 {
		t.Errorf("only %d finds answered, %d by an entry for another host string: the test no longer exercises find", found, otherHost)
	}
}
