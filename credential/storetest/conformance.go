package storetest

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Step is one helper call: an action, its input lines, and the exact output
// expected (only meaningful for get).
type Step struct {
	Action string
	In     []string
	Want   []string
}

// Scenario is a sequence of steps run against one fresh store.
type Scenario struct {
	Name  string
	Steps []Step
}

func get(in []string, want ...string) Step { return Step{"get", in, want} }
func store(in ...string) Step              { return Step{"store", in, nil} }
func erase(in ...string) Step              { return Step{"erase", in, nil} }
func q(lines ...string) []string           { return lines }

var (
	future = time.Now().Add(240 * time.Hour).Unix()
	exp    = "password_expiry_utc=" + itoa(future)
	exp2   = "password_expiry_utc=" + itoa(future+3600)
	// A header value whose byte 1024 starts "host=victim...": a helper with a
	// fixed-size line buffer would read it as a second line (git's own suite).
	longHeader = "wwwauth[]=" + strings.Repeat("x", 1024-len("wwwauth[]=")) + "host=victim.example.com"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// Scenarios mirrors git's t/lib-credential.sh helper_test and adds this
// project's own requirements (expiry, refresh tokens, awkward values).
var Scenarios = []Scenario{
	{"no existing data", []Step{
		get(q("protocol=https", "host=example.com")),
	}},
	{"stores and retrieves, requires matching protocol host username", []Step{
		store("protocol=https", "host=example.com", "username=store-user", "password=store-pass"),
		get(q("protocol=https", "host=example.com"), "username=store-user", "password=store-pass"),
		get(q("protocol=ftp", "host=example.com")),
		get(q("protocol=https", "host=other.tld")),
		get(q("protocol=https", "host=example.com:8443")),
		get(q("protocol=https", "host=example.com", "username=other")),
		get(q("protocol=https", "host=example.com", "username=store-user"), "username=store-user", "password=store-pass"),
	}},
	{"requires matching path", []Step{
		store("protocol=https", "host=path.tld", "path=foo.git", "username=user", "password=pass"),
		get(q("protocol=https", "host=path.tld", "path=bar.git")),
		get(q("protocol=https", "host=path.tld", "path=foo.git"), "username=user", "password=pass"),
		get(q("protocol=https", "host=path.tld"), "username=user", "password=pass"),
	}},
	{"overwrites on store", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=old"),
		store("protocol=https", "host=example.com", "username=u", "password=new"),
		get(q("protocol=https", "host=example.com"), "username=u", "password=new"),
		erase("protocol=https", "host=example.com", "username=u", "password=new"),
		get(q("protocol=https", "host=example.com")),
	}},
	{"host-wide store keeps path-scoped entries", []Step{
		store("protocol=https", "host=example.com", "path=org/repo.git", "username=u", "password=scoped"),
		store("protocol=https", "host=example.com", "username=u", "password=wide"),
		get(q("protocol=https", "host=example.com", "path=org/repo.git"), "username=u", "password=scoped"),
		get(q("protocol=https", "host=example.com", "path=other/repo.git"), "username=u", "password=wide"),
		get(q("protocol=https", "host=example.com"), "username=u", "password=wide"),
	}},
	{"per-owner tokens: longest path prefix on / boundaries wins", []Step{
		store("protocol=https", "host=github.com", "username=u", "password=wide"),
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=acme"),
		store("protocol=https", "host=github.com", "path=acme/special.git", "username=u", "password=special"),
		store("protocol=https", "host=github.com", "path=other", "username=u", "password=other"),
		get(q("protocol=https", "host=github.com", "path=acme/repo.git"), "username=u", "password=acme"),
		get(q("protocol=https", "host=github.com", "path=ACME/Repo.git"), "username=u", "password=acme"),
		get(q("protocol=https", "host=github.com", "path=acme/special.git"), "username=u", "password=special"),
		get(q("protocol=https", "host=github.com", "path=acme-corp/repo.git"), "username=u", "password=wide"),
		get(q("protocol=https", "host=github.com", "path=other/x.git"), "username=u", "password=other"),
		get(q("protocol=https", "host=github.com"), "username=u", "password=wide"),
	}},
	// git calls store after every success with what get gave it, minus
	// what it does not know: no password_expiry_utc before 2.40, no state[]
	// before 2.46 (Debian 12, Ubuntu 22.04 and 24.04). A token that an owner
	// or host-wide entry already answers must not be copied to the path,
	// where it would outlive a rotate of the owner's token.
	{"store of a token an owner or host-wide entry answers adds nothing (git before 2.46)", []Step{
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=acme", exp),
		store("protocol=https", "host=github.com", "username=u", "password=wide", exp),
		store("protocol=https", "host=github.com", "path=acme/app.git", "username=u", "password=acme"),
		store("protocol=https", "host=github.com", "path=acme/app.git/info/lfs", "username=u", "password=acme"),
		store("protocol=https", "host=github.com", "path=other/x.git", "username=u", "password=wide"),
		store("protocol=https", "host=github.com", "username=u", "password=wide"),
		get(q("protocol=https", "host=github.com", "path=acme/app.git"), "username=u", "password=acme", exp),
		get(q("protocol=https", "host=github.com", "path=acme/app.git/info/lfs"), "username=u", "password=acme", exp),
		get(q("protocol=https", "host=github.com"), "username=u", "password=wide", exp),
		// rotate: the new owner and host-wide tokens answer everywhere below.
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=acme2", exp2),
		store("protocol=https", "host=github.com", "username=u", "password=wide2", exp2),
		get(q("protocol=https", "host=github.com", "path=acme/app.git"), "username=u", "password=acme2", exp2),
		get(q("protocol=https", "host=github.com", "path=acme/app.git/info/lfs"), "username=u", "password=acme2", exp2),
		get(q("protocol=https", "host=github.com", "path=other/x.git"), "username=u", "password=wide2", exp2),
	}},
	{"store of a token an owner entry answers adds nothing (git 2.46 with state[])", []Step{
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=acme", exp),
		store("capability[]=authtype", "capability[]=state", "protocol=https", "host=github.com", "path=acme/app.git", "username=u", "password=acme", exp, "state[]=pat:0123456789abcdef01234567"),
		store("capability[]=authtype", "capability[]=state", "protocol=https", "host=github.com", "path=acme/app.git/info/lfs", "username=u", "password=acme", exp, "state[]=other:x"),
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=acme2", exp2),
		get(q("protocol=https", "host=github.com", "path=acme/app.git"), "username=u", "password=acme2", exp2),
		get(q("protocol=https", "host=github.com", "path=acme/app.git/info/lfs"), "username=u", "password=acme2", exp2),
	}},
	{"wildcard hosts match one label, exact hosts win", []Step{
		store("protocol=https", "host=*.ghe.example.com", "username=u", "password=wild"),
		store("protocol=https", "host=special.ghe.example.com", "username=u", "password=exact"),
		get(q("protocol=https", "host=code.ghe.example.com"), "username=u", "password=wild"),
		get(q("protocol=https", "host=special.ghe.example.com"), "username=u", "password=exact"),
		get(q("protocol=https", "host=a.b.ghe.example.com")),
		get(q("protocol=https", "host=ghe.example.com")),
	}},
	{"a wildcard host's port is not a label: it must match, as in git's urlmatch", []Step{
		store("protocol=https", "host=gitea.*", "username=u", "password=wild"),
		store("protocol=https", "host=*.ports.example:8443", "username=u", "password=wild8443"),
		get(q("protocol=https", "host=gitea.example"), "username=u", "password=wild"),
		get(q("protocol=https", "host=gitea.example:8443")),
		get(q("protocol=https", "host=gitea.example:443"), "username=u", "password=wild"), // https's port, which git's urlmatch drops
		get(q("protocol=https", "host=code.ports.example:8443"), "username=u", "password=wild8443"),
		get(q("protocol=https", "host=code.ports.example")),
		get(q("protocol=https", "host=code.ports.example:9443")),
	}},
	{"owner paths are case-sensitive off github.com", []Step{
		store("protocol=https", "host=gitlab.example", "path=acme", "username=u", "password=acme"),
		get(q("protocol=https", "host=gitlab.example", "path=ACME/repo.git")),
	}},
	{"a rejected token is erased wherever it covers the request", []Step{
		store("protocol=https", "host=github.com", "username=u", "password=bad"),
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=good"),
		erase("protocol=https", "host=github.com", "path=other/repo.git", "username=u", "password=bad"),
		get(q("protocol=https", "host=github.com", "path=other/repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/repo.git"), "username=u", "password=good"),
	}},
	// git 2.46's erase after a refused bearer token names the path
	// (useHttpPath, as login sets it for an owner token) and the
	// credential: the owner's or host-wide bearer entry holding it goes.
	{"a rejected bearer credential is erased wherever it covers the request", []Step{
		store("capability[]=authtype", "protocol=https", "host=bearer.tld", "authtype=Bearer", "credential=bad"),
		store("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/PROJ", "authtype=Bearer", "credential=bad2"),
		store("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/KEEP", "authtype=Bearer", "credential=good"),
		erase("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/PROJ/repo.git", "authtype=Bearer", "credential=bad2"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/PROJ/repo.git"), "capability[]=authtype", "authtype=Bearer", "credential=bad"),
		erase("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/OTHER/repo.git", "authtype=Bearer", "credential=bad"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/OTHER/repo.git")),
		erase("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/KEEP/repo.git", "authtype=Bearer", "credential=bad"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld", "path=scm/KEEP/repo.git"), "capability[]=authtype", "authtype=Bearer", "credential=good"),
	}},
	{"an empty host matches only entries without a host", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=hosted"),
		get(q("protocol=https"), "username=u", "password=hosted"), // no host at all: any host, as in git
		get(q("protocol=https", "host=")),
		get(q("protocol=https", "host=", "path=x")),
		get(q("url=https:///x")),
		erase("protocol=https", "host="),
		erase("protocol=https", "host=", "username=u"),
		get(q("protocol=https", "host=example.com"), "username=u", "password=hosted"),
		store("protocol=https", "host=", "path=x", "username=u", "password=hostless"),
		get(q("protocol=https", "host=", "path=x"), "username=u", "password=hostless"),
		get(q("url=https:///x"), "username=u", "password=hostless"),
		get(q("protocol=https", "host=example.com"), "username=u", "password=hosted"),
		erase("protocol=https", "host="),
		get(q("protocol=https", "host=", "path=x")),
		get(q("protocol=https", "host=example.com"), "username=u", "password=hosted"),
	}},
	{"a path with dot segments gets no owner or path token", []Step{
		store("protocol=https", "host=github.com", "path=acme", "username=u", "password=acme"),
		store("protocol=https", "host=github.com", "path=acme/../evil/repo.git", "username=u", "password=exact"),
		get(q("protocol=https", "host=github.com", "path=acme/../evil/repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/%2e%2e/evil/repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/%2E%2e/evil/repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/%252e%252e/evil/repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/..%2fevil/repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/./repo.git")),
		get(q("protocol=https", "host=github.com", "path=acme/repo.git/..")),
		erase("protocol=https", "host=github.com", "path=acme/../evil/repo.git", "username=u", "password=acme"),
		erase("protocol=https", "host=github.com", "path=acme/%2e%2e/evil/repo.git", "username=u", "password=acme"),
		get(q("protocol=https", "host=github.com", "path=acme/repo.git"), "username=u", "password=acme"),
		get(q("protocol=https", "host=github.com", "path=acme/..repo.git"), "username=u", "password=acme"),
		store("protocol=https", "host=github.com", "username=u", "password=wide"),
		get(q("protocol=https", "host=github.com", "path=acme/../evil/repo.git"), "username=u", "password=wide"),
		get(q("protocol=https", "host=github.com", "path=acme/%2e%2e/evil/repo.git"), "username=u", "password=wide"),
	}},
	{"multiple users, forget one, remember other", []Step{
		store("protocol=https", "host=example.com", "username=user1", "password=pass1"),
		store("protocol=https", "host=example.com", "username=user2", "password=pass2"),
		get(q("protocol=https", "host=example.com", "username=user1"), "username=user1", "password=pass1"),
		get(q("protocol=https", "host=example.com", "username=user2"), "username=user2", "password=pass2"),
		get(q("protocol=https", "host=example.com"), "username=user2", "password=pass2"),
		erase("protocol=https", "host=example.com", "username=user1"),
		get(q("protocol=https", "host=example.com", "username=user1")),
		get(q("protocol=https", "host=example.com", "username=user2"), "username=user2", "password=pass2"),
	}},
	{"can forget host", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=p"),
		erase("protocol=https", "host=example.com"),
		get(q("protocol=https", "host=example.com")),
	}},
	{"does not erase a distinct password", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=keep"),
		erase("protocol=https", "host=example.com", "username=u", "password=other"),
		get(q("protocol=https", "host=example.com"), "username=u", "password=keep"),
	}},
	{"erases all matching credentials", []Step{
		store("protocol=https", "host=example.com", "username=user1", "password=pass1"),
		store("protocol=https", "host=example.com", "username=user2", "password=pass2"),
		store("protocol=https", "host=keep.tld", "username=user1", "password=pass3"),
		erase("protocol=https", "host=example.com"),
		get(q("protocol=https", "host=example.com")),
		get(q("protocol=https", "host=keep.tld"), "username=user1", "password=pass3"),
	}},
	{"can store empty username and password", []Step{
		store("protocol=https", "host=sso.tld", "username=", "password="),
		get(q("protocol=https", "host=sso.tld"), "username=", "password="),
	}},
	{"not confused by a long header", []Step{
		store("protocol=https", "host=victim.example.com", "username=victim", "password=secret"),
		get(q("capability[]=authtype", "protocol=https", "host=badguy.example.com", longHeader)),
	}},
	{"expired password is not returned", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=p", "password_expiry_utc=1"),
		get(q("protocol=https", "host=example.com")),
	}},
	{"stores, gets and overwrites password_expiry_utc", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=p", exp),
		get(q("protocol=https", "host=example.com"), "username=u", "password=p", exp),
		store("protocol=https", "host=example.com", "username=u", "password=p2", exp2),
		get(q("protocol=https", "host=example.com"), "username=u", "password=p2", exp2),
	}},
	{"stores and gets oauth_refresh_token", []Step{
		store("protocol=https", "host=example.com", "username=u", "password=p", exp, "oauth_refresh_token=refresh-xyz"),
		get(q("protocol=https", "host=example.com"), "username=u", "password=p", exp, "oauth_refresh_token=refresh-xyz"),
	}},
	{"awkward values round-trip", []Step{
		store("protocol=https", "host=example.com:8443", "path=org/my repo.git", "username=a b=c%d@e:f", "password=p w=%@:/?#ü€ ok"),
		get(q("protocol=https", "host=example.com:8443", "path=org/my repo.git"), "username=a b=c%d@e:f", "password=p w=%@:/?#ü€ ok"),
		get(q("protocol=https", "host=example.com:8443", "username=a b=c%d@e:f"), "username=a b=c%d@e:f", "password=p w=%@:/?#ü€ ok"),
	}},
	{"authtype stored and returned only with the capability", []Step{
		store("capability[]=authtype", "protocol=https", "host=bearer.tld", "authtype=Bearer", "credential=tok-123"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld"), "capability[]=authtype", "authtype=Bearer", "credential=tok-123"),
		get(q("protocol=https", "host=bearer.tld")),
		store("protocol=https", "host=other.tld", "username=u", "password=p"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld"), "capability[]=authtype", "authtype=Bearer", "credential=tok-123"),
		store("protocol=https", "host=nocap.tld", "authtype=Bearer", "credential=tok-456"),
		get(q("capability[]=authtype", "protocol=https", "host=nocap.tld")),
	}},
	{"authtype with username", []Step{
		store("capability[]=authtype", "protocol=https", "host=bearer.tld", "username=u", "authtype=Bearer", "credential=tok-789"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld", "username=u"), "capability[]=authtype", "username=u", "authtype=Bearer", "credential=tok-789"),
	}},
	// git 2.46's erase after a rejected Bearer token names the credential
	// and no password: it must not take every entry of the host with it.
	{"erase with an authtype credential removes only the entry holding it", []Step{
		store("capability[]=authtype", "protocol=https", "host=bearer.tld", "authtype=Bearer", "credential=good"),
		erase("capability[]=authtype", "protocol=https", "host=bearer.tld", "authtype=Bearer", "credential=wrong"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld"), "capability[]=authtype", "authtype=Bearer", "credential=good"),
		erase("capability[]=authtype", "protocol=https", "host=bearer.tld", "authtype=Bearer", "credential=good"),
		get(q("capability[]=authtype", "protocol=https", "host=bearer.tld")),
	}},
	{"erase with an authtype credential keeps password entries", []Step{
		store("protocol=https", "host=bearer.tld", "username=u", "password=p"),
		store("protocol=https", "host=bearer.tld", "path=org", "username=v", "password=q"),
		erase("capability[]=authtype", "protocol=https", "host=bearer.tld", "authtype=Bearer", "credential=wrong"),
		get(q("protocol=https", "host=bearer.tld", "username=u"), "username=u", "password=p"),
		get(q("protocol=https", "host=bearer.tld", "path=org", "username=v"), "username=v", "password=q"),
	}},
	{"does not store ephemeral credentials", []Step{
		store("capability[]=authtype", "protocol=https", "host=eph.tld", "authtype=Bearer", "credential=tok", "ephemeral=1"),
		store("protocol=https", "host=eph.tld", "username=u", "password=p", "ephemeral=1"),
		get(q("capability[]=authtype", "protocol=https", "host=eph.tld")),
	}},
}

// Run runs every scenario against a fresh store from newStore.
func Run(t *testing.T, newStore func(t *testing.T) credential.Store) {
	t.Helper()
	for _, sc := range Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			s := newStore(t)
			for i, st := range sc.Steps {
				RunStep(t, s, i, st)
			}
		})
	}
	t.Run("keeps the secret-reference mark", func(t *testing.T) { secretRefMark(t, newStore(t)) })
}

// secretRefMark checks that a store keeps credential.SecretRef, which git's
// wire format cannot carry, beside an unmarked password of the same shape.
// Gets are peeks, so a resolving store returns what it holds.
func secretRefMark(t *testing.T, s credential.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	entry := func(user, password string, marked bool) credential.Credential {
		c := credential.Credential{Protocol: "https", Host: "ref.tld", SecretRef: marked}
		c.SetUsername(user)
		c.SetPassword(password)
		return c
	}
	marked, plain := entry("marked", "op://vault/item/field", true), entry("plain", "op://vault/item/other", false)
	for _, c := range []credential.Credential{marked, plain} {
		if err := s.Store(ctx, c); err != nil {
			t.Fatalf("store %s: %v", c.Username, err)
		}
	}
	for _, want := range []credential.Credential{marked, plain} {
		q := credential.Credential{Protocol: "https", Host: "ref.tld"}
		q.SetUsername(want.Username)
		got, err := s.Get(credential.Peeking(ctx), q)
		if err != nil || got.Password != want.Password || got.SecretRef != want.SecretRef {
			t.Fatalf("get %s: password %q, marked %v, %v; want %q, marked %v", want.Username, got.Password, got.SecretRef, err, want.Password, want.SecretRef)
		}
	}
	if l, ok := s.(credential.Lister); ok {
		es, err := l.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range es {
			if e.Host == "ref.tld" {
				seen[e.Username] = true
				if e.SecretRef != (e.Username == "marked") {
					t.Errorf("list: %s marked %v", e.Username, e.SecretRef)
				}
			}
		}
		if !seen["marked"] || !seen["plain"] {
			t.Errorf("list: ref.tld entries %v, want marked and plain", seen)
		}
	}
	if err := s.Erase(ctx, marked); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(credential.Peeking(ctx), marked); err == nil {
		t.Fatal("erase with the reference left it in place")
	}
}

// RunStep performs one step through credential.Serve and checks its output.
func RunStep(t *testing.T, s credential.Store, i int, st Step) {
	t.Helper()
	in := strings.Join(st.In, "\n") + "\n"
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := credential.Serve(ctx, st.Action, s, strings.NewReader(in), &out); err != nil {
		t.Fatalf("step %d (%s): %v", i, st.Action, err)
	}
	want := ""
	if len(st.Want) > 0 {
		want = strings.Join(st.Want, "\n") + "\n"
	}
	if got := out.String(); got != want {
		t.Fatalf("step %d (%s %q):\ngot:\n%s\nwant:\n%s", i, st.Action, st.In, got, want)
	}
}
