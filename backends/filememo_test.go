package backends

import (
	"bytes"
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

// writeEntries writes n entries for hosts h0.example ... to path, with
// tokens of one length.
func writeEntries(t *testing.T, path string, n int, token func(i int) string) {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "https://u%d:%s@h%d.example\n", i, token(i), i)
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

// git's store, as the helper serves it, looks at the file three times
// (already stored? a secret reference standing for it? and the write under
// the lock): it reads the file once.
func TestServedStoreReadsFileOnce(t *testing.T) {
	for _, tc := range []struct {
		name, host, pass string
	}{
		{"new token", "new.example", "tok-new"},
		{"same token", "h7.example", "tok7"},
		{"changed token", "h7.example", "tok-changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			writeEntries(t, path, 2000, func(i int) string { return fmt.Sprintf("tok%d", i) })
			store, err := Open("file", Options{File: path})
			if err != nil {
				t.Fatal(err)
			}
			scans := countScans(t)
			srv := &credential.Server{Store: store}
			user := "u7"
			if tc.host == "new.example" {
				user = "octo"
			}
			in := fmt.Sprintf("protocol=https\nhost=%s\nusername=%s\npassword=%s\n\n", tc.host, user, tc.pass)
			if err := srv.Serve(context.Background(), "store", strings.NewReader(in), io.Discard); err != nil {
				t.Fatal(err)
			}
			if *scans != 1 {
				t.Errorf("store read the file %d times, want 1", *scans)
			}
			got, err := (&FileStore{Path: path}).Get(context.Background(), credential.Credential{Protocol: "https", Host: tc.host})
			if err != nil || got.Password != tc.pass {
				t.Errorf("after the store: %q, %v; want %q", got.Password, err, tc.pass)
			}
		})
	}
}

// What a read remembered is not used once the file changed: replaced by
// another file of the same size (as every writer that locks does),
// rewritten in place to the same size, or grown. A get then sees the new
// entry, and a store splices the new file, not the lines it saw before.
func TestReadMemoSeesChangedFile(t *testing.T) {
	// The first file has users uN with tokens aaaN; the changes bring users
	// vN (so a store for uN keeps them) with tokens bbbN, in as many bytes.
	first := func(t *testing.T, path string) {
		writeEntries(t, path, 300, func(i int) string { return fmt.Sprintf("aaa%04d", i) })
	}
	second := func() []byte {
		var b bytes.Buffer
		for i := 0; i < 300; i++ {
			fmt.Fprintf(&b, "https://v%d:bbb%04d@h%d.example\n", i, i, i)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name   string
		host   string // looked up, then stored for with user "u7" and token "ccc"
		change func(t *testing.T, path string)
		want   []string // lines the file has after the store
	}{
		{"replaced by rename, same size", "h7.example", func(t *testing.T, path string) {
			if err := os.WriteFile(path+".new", second(), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(path+".new", path); err != nil {
				t.Fatal(err)
			}
		}, []string{"https://u7:ccc@h7.example", "https://v7:bbb0007@h7.example"}},
		{"rewritten in place, same size", "h7.example", func(t *testing.T, path string) {
			time.Sleep(50 * time.Millisecond) // past the file system's clock tick, so the times move
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt(second(), 0); err != nil {
				t.Fatal(err)
			}
		}, []string{"https://u7:ccc@h7.example", "https://v7:bbb0007@h7.example"}},
		{"appended to", "late.example", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("https://u7:bbb-late@late.example\n"); err != nil {
				t.Fatal(err)
			}
		}, []string{"https://u7:ccc@late.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			q := credential.Credential{Protocol: "https", Host: tc.host}
			path := filepath.Join(t.TempDir(), "credentials")

			first(t, path)
			s := &FileStore{Path: path, LockTimeout: time.Second}
			s.Get(ctx, q)
			tc.change(t, path)
			got, err := s.Get(ctx, q)
			if err != nil || !strings.HasPrefix(got.Password, "bbb") {
				t.Fatalf("get after the change: %q, %v; want the new token", got.Password, err)
			}

			first(t, path)
			s = &FileStore{Path: path, LockTimeout: time.Second}
			s.Get(ctx, q)
			tc.change(t, path)
			if err := s.Store(ctx, cred(tc.host, "u7", "ccc")); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			var have []string
			for _, l := range strings.Split(string(data), "\n") {
				if strings.HasSuffix(l, "@"+tc.host) {
					have = append(have, l)
				}
			}
			if strings.Join(have, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("entries for %s after the store:\n%s\nwant:\n%s", tc.host, strings.Join(have, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
