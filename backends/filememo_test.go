package backends

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// writeEntries writes n entries "https://<user>N:<token(N)>@hN.example".
func writeEntries(t *testing.T, path, user string, n int, token func(i int) string) {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "https://%s%d:%s@h%d.example\n", user, i, token(i), i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// countScans counts the whole-file searches until the test ends.
func countScans(t *testing.T) *int {
	n := new(int)
	old := scanFile
	scanFile = func(r io.ReaderAt, size int64, host string, bufSize int, out *strings.Builder, spans *[]span) error {
		*n++
		return old(r, size, host, bufSize, out, spans)
	}
	t.Cleanup(func() { scanFile = old })
	return n
}

// git's store, as the helper serves it, looks at the file twice before it
// writes (already stored? a secret reference standing for it?) and the
// write reads it again under the lock: two reads, not three.
func TestServedStoreLooksOnce(t *testing.T) {
	for _, tc := range []struct {
		name, host, user, pass string
		reads                  int
	}{
		{"new token", "new.example", "octo", "tok-new", 2},
		{"changed token", "h7.example", "u7", "tok-changed", 2},
		{"same token", "h7.example", "u7", "tok7", 1}, // the first look finds it stored
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			writeEntries(t, path, "u", 2000, func(i int) string { return fmt.Sprintf("tok%d", i) })
			store, err := Open("file", Options{File: path})
			if err != nil {
				t.Fatal(err)
			}
			scans := countScans(t)
			in := fmt.Sprintf("protocol=https\nhost=%s\nusername=%s\npassword=%s\n\n", tc.host, tc.user, tc.pass)
			if err := (&credential.Server{Store: store}).Serve(context.Background(), "store", strings.NewReader(in), io.Discard); err != nil {
				t.Fatal(err)
			}
			if *scans != tc.reads {
				t.Errorf("store read the file %d times, want %d", *scans, tc.reads)
			}
			got, err := (&FileStore{Path: path}).Get(context.Background(), credential.Credential{Protocol: "https", Host: tc.host})
			if err != nil || got.Password != tc.pass {
				t.Errorf("after the store: %q, %v; want %q", got.Password, err, tc.pass)
			}
		})
	}
}

// What a look kept lasts one request: a get in another request (or with
// none) reads the file again, and a write in the same request reads it
// again under the lock, so a file replaced in between (by rename, as
// every writer that locks does, or in place) is what both see.
func TestLooksLastOneRequest(t *testing.T) {
	first := func(t *testing.T, path string) {
		writeEntries(t, path, "u", 300, func(i int) string { return fmt.Sprintf("aaa%04d", i) })
	}
	// The same bytes but for users vN (so a store for uN keeps them) and
	// tokens bbbN.
	second := func(t *testing.T, path string) {
		writeEntries(t, path+".new", "v", 300, func(i int) string { return fmt.Sprintf("bbb%04d", i) })
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	q := credential.Credential{Protocol: "https", Host: "h7.example"}
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: time.Second}

	first(t, path)
	scans := countScans(t)
	req := credential.WithLooks(ctx)
	s.Get(req, q)
	s.Get(credential.Peeking(req), q)
	if *scans != 1 {
		t.Errorf("two gets in one request read the file %d times, want 1", *scans)
	}
	second(t, path)
	if got, err := s.Get(ctx, q); err != nil || got.Password != "bbb0007" {
		t.Errorf("get outside the request after the change: %q, %v; want bbb0007", got.Password, err)
	}
	if got, err := s.Get(credential.WithLooks(ctx), q); err != nil || got.Password != "bbb0007" {
		t.Errorf("get in a new request after the change: %q, %v; want bbb0007", got.Password, err)
	}

	first(t, path)
	req = credential.WithLooks(ctx)
	s.Get(req, q)
	second(t, path)
	if err := s.Store(req, cred("h7.example", "u7", "ccc")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var have []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(l, "@h7.example") {
			have = append(have, l)
		}
	}
	if want := "https://u7:ccc@h7.example https://v7:bbb0007@h7.example"; strings.Join(have, " ") != want {
		t.Errorf("entries for h7.example after the store: %q, want %q (the store must read the file it replaces)", have, want)
	}
}
