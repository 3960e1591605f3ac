package backends

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// File store benchmarks at 1, 1,000 and 100,000 entries. Each size's file
// is built once in b.TempDir, in the format and with the same shape of
// entries as bench/run.sh generates for the whole-process comparison with
// git credential-store: one "https://userN:ghp_...@hostNNNNNN.example.com"
// line per host.

var benchSizes = []int{1, 1000, 100000}

func benchHost(i int) string { return fmt.Sprintf("host%06d.example.com", i) }

// benchHit is the entry a hit looks up: near the end of the file, so the
// lookup reads nearly all of it (git's store stops at the first match).
func benchHit(n int) int { return n - 1 - n/100 }

// writeBenchFile writes n entries to dir/credentials, mode 0600.
func writeBenchFile(b *testing.B, dir string, n int) string {
	b.Helper()
	p := filepath.Join(dir, "credentials")
	if err := os.WriteFile(p, []byte(benchText(n)), 0o600); err != nil {
		b.Fatal(err)
	}
	return p
}

// benchText is the content of a bench file of n entries.
func benchText(n int) string {
	var sb strings.Builder
	sb.Grow(n * 80)
	for i := 0; i < n; i++ {
		sb.WriteString("https://user")
		sb.WriteString(strconv.Itoa(i))
		sb.WriteString(":ghp_")
		sb.WriteString(fmt.Sprintf("%036d", i*7919))
		sb.WriteByte('@')
		sb.WriteString(benchHost(i))
		sb.WriteByte('\n')
	}
	return sb.String()
}

// openBenchFile returns the file store itself, not what the registry
// wraps around it, so these numbers are the file store's alone.
func openBenchFile(p string) *FileStore {
	return &FileStore{
		Path:        p,
		LockTimeout: time.Second,
		// A warning (file mode) would mean the benchmark measures a broken setup.
		Warn: func(msg string) { panic("unexpected warning: " + msg) },
	}
}

func BenchmarkFileGet(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		p := writeBenchFile(b, b.TempDir(), n)
		s := openBenchFile(p)
		for _, tc := range []struct {
			name string
			host string
			want error
		}{
			{"hit", benchHost(benchHit(n)), nil},
			{"miss", "missing.example.org", credential.ErrNotFound},
		} {
			q := credential.Credential{Protocol: "https", Host: tc.host}
			b.Run(fmt.Sprintf("%s/%d", tc.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					c, err := s.Get(ctx, q)
					if !errors.Is(err, tc.want) {
						b.Fatalf("Get: %v, want %v", err, tc.want)
					}
					if err == nil && c.Host != tc.host {
						b.Fatalf("Get returned %s, want %s", c.Host, tc.host)
					}
				}
			})
		}
	}
}

// BenchmarkFileStore stores a token for a host the file does not have,
// then replaces it with a new token each iteration: every iteration is a
// real rewrite (lock, parse, render, fsync, rename) of a file of n+1
// entries, as git's "store" after a new token is.
func BenchmarkFileStore(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		p := writeBenchFile(b, b.TempDir(), n)
		s := openBenchFile(p)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c := credential.Credential{Protocol: "https", Host: "new.example.org"}
				c.SetUsername("octocat")
				c.SetPassword("ghp_new" + strconv.Itoa(i))
				if err := s.Store(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFileStoreUnchanged stores the token the file already has, which
// is what git does after every successful authentication.
func BenchmarkFileStoreUnchanged(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		p := writeBenchFile(b, b.TempDir(), n)
		s := openBenchFile(p)
		i := benchHit(n)
		c := credential.Credential{Protocol: "https", Host: benchHost(i)}
		c.SetUsername("user" + strconv.Itoa(i))
		c.SetPassword(fmt.Sprintf("ghp_%036d", i*7919))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := s.Store(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkServedStore is git's store of a new token as the helper serves
// it: the server's look (already stored?), the reference check and the
// write, which read the file once between them (readMemo).
func BenchmarkServedStore(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		p := writeBenchFile(b, b.TempDir(), n)
		store, err := Open("file", Options{File: p})
		if err != nil {
			b.Fatal(err)
		}
		srv := &credential.Server{Store: store}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				in := "protocol=https\nhost=new.example.org\nusername=octocat\npassword=ghp_new" + strconv.Itoa(i) + "\n\n"
				if err := srv.Serve(ctx, "store", strings.NewReader(in), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
