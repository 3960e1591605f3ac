package credential

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// Benchmarks for the per-request hot path: parsing what git sends, writing
// the answer, and git's matching rules over lists of 1 to 100,000 entries.
// bench/run.sh times whole processes; these isolate the library's share.

// getRequest is what git 2.46 sends a helper for "get" on an HTTPS push.
const getRequest = "capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=github.com\n" +
	"wwwauth[]=Basic realm=\"GitHub\"\n\n"

// storeRequest is what git sends for "store" after a successful push.
const storeRequest = "protocol=https\nhost=github.com\nusername=octocat\n" +
	"password=ghp_0123456789abcdefghijABCDEFGHIJ012345\npassword_expiry_utc=4102444800\n\n"

func BenchmarkRead(b *testing.B) {
	for _, tc := range []struct{ name, in string }{{"get", getRequest}, {"store", storeRequest}} {
		b.Run(tc.name, func(b *testing.B) {
			r := strings.NewReader(tc.in)
			b.SetBytes(int64(len(tc.in)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r.Reset(tc.in)
				if _, err := Read(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	resp := Credential{Capabilities: []string{CapAuthType}, PasswordExpiryUTC: 4102444800}
	resp.SetUsername("octocat")
	resp.SetPassword("ghp_0123456789abcdefghijABCDEFGHIJ012345")
	var buf bytes.Buffer
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := Write(&buf, resp); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkParseURL(b *testing.B) {
	const line = "https://octocat:ghp_0123456789abcdefghijABCDEFGHIJ012345@host000042.example.com"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseURL(line); err != nil {
			b.Fatal(err)
		}
	}
}

// benchEntry is the i-th entry of the lists below: one user and token per
// host, as in bench/run.sh's generated credential files.
func benchEntry(i int) Credential {
	c := Credential{Protocol: "https", Host: fmt.Sprintf("host%06d.example.com", i)}
	c.SetUsername(fmt.Sprintf("user%d", i))
	c.SetPassword(fmt.Sprintf("ghp_%036d", i*7919))
	return c
}

// hitIndex is the entry a "hit" looks up: near the end, so a linear
// lookup scans nearly the whole list, as it does in a file.
func hitIndex(n int) int { return n - 1 - n/100 }

func BenchmarkMatch(b *testing.B) {
	stored := benchEntry(42)
	for _, tc := range []struct {
		name string
		q    Credential
	}{
		{"hit", Credential{Protocol: "https", Host: stored.Host}},
		{"miss-host", Credential{Protocol: "https", Host: "gitlab.com"}},
		{"hit-with-password", stored},
	} {
		b.Run(tc.name, func(b *testing.B) {
			want := tc.name != "miss-host"
			for i := 0; i < b.N; i++ {
				if Match(tc.q, stored, true) != want {
					b.Fatal("unexpected match result")
				}
			}
		})
	}
}

func BenchmarkEntriesFind(b *testing.B) {
	now := time.Now()
	for _, n := range []int{1, 1000, 100000} {
		es := make(Entries, n)
		for i := range es {
			es[i] = benchEntry(i)
		}
		hit := Credential{Protocol: "https", Host: es[hitIndex(n)].Host, Capabilities: []string{CapAuthType}}
		miss := Credential{Protocol: "https", Host: "missing.example.org", Capabilities: []string{CapAuthType}}
		for _, tc := range []struct {
			name string
			q    Credential
			want bool
		}{{"hit", hit, true}, {"miss", miss, false}} {
			b.Run(fmt.Sprintf("%s/%d", tc.name, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, ok := es.Find(tc.q, now); ok != tc.want {
						b.Fatalf("Find = %v, want %v", ok, tc.want)
					}
				}
			})
		}
	}
}

// BenchmarkServeGet is one whole "get" as a process runs it, minus process
// start: read the request, look up a one-entry list, write the answer.
func BenchmarkServeGet(b *testing.B) {
	s := &Server{Store: &entriesStore{Entries{benchEntry(0)}}}
	in := strings.NewReader("")
	q := "protocol=https\nhost=" + benchEntry(0).Host + "\n\n"
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		in.Reset(q)
		if err := s.Serve(ctx, "get", in, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// entriesStore is a read-only Store over a list, for BenchmarkServeGet.
type entriesStore struct{ es Entries }

func (s *entriesStore) Get(_ context.Context, q Credential) (Credential, error) {
	if c, ok := s.es.Find(q, time.Now()); ok {
		return c, nil
	}
	return Credential{}, ErrNotFound
}

func (s *entriesStore) Store(context.Context, Credential) error { return nil }
func (s *entriesStore) Erase(context.Context, Credential) error { return nil }
