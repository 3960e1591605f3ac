package backends

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// finder finds exactly what strings.Index finds, overlapping matches
// included, at both ends, in both halves and across the middle, on texts
// short enough for strings.Index and long enough for the shift table.
func TestFinderFindsWhatIndexFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "ab.c\n"
	for i := 0; i < 3000; i++ {
		n := randomText(r, alphabet, 1+r.IntN(6))
		size := r.IntN(200)
		if i%2 == 1 {
			size += horspoolMin
		}
		s := randomText(r, alphabet, size)
		var want []int
		for from := 0; ; {
			k := strings.Index(s[from:], n)
			if k < 0 {
				break
			}
			want = append(want, from+k)
			from += k + 1
		}
		f := newFinder(n)
		got := f.all(s, nil)
		if wantTable := len(s) >= horspoolMin && len(n) >= 3; (f.skip != nil) != wantTable {
			t.Fatalf("all(%d bytes, %q) built the shift table: %v, want %v", len(s), n, f.skip != nil, wantTable)
		}
		if len(got) != len(want) {
			t.Fatalf("all(%q, %q) = %v, want %v", s, n, got, want)
		}
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("all(%q, %q) = %v, want %v", s, n, got, want)
			}
		}
	}
}

// A store or erase that splices (copies the old file around the lines it
// changes) writes exactly what the whole-file rewrite writes; files it
// cannot splice are left to the rewrite.
func TestSplicedUpdateWritesWhatRewriteWrites(t *testing.T) {
	base := "https://alice:tok1@a.example\n" +
		"https://bob:tok2@b.example\n" +
		"# a comment\n" +
		"https://carol:tok3@a.example/repo\n"
	newA := cred("a.example", "alice", "tok9")
	withExpiry := cred("new.example", "dave", "tok5")
	withExpiry.PasswordExpiryUTC = 4102444800
	store := func(c credential.Credential) func(*FileStore) func([]line) ([]line, bool) {
		return func(f *FileStore) func([]line) ([]line, bool) { return storeChange(c) }
	}
	erase := func(q credential.Credential) func(*FileStore) func([]line) ([]line, bool) {
		return func(f *FileStore) func([]line) ([]line, bool) { return eraseChange(q) }
	}
	tests := []struct {
		name   string
		file   string
		host   string
		change func(*FileStore) func([]line) ([]line, bool)
		want   spliced
	}{
		{"new host", base, "new.example", store(cred("new.example", "dave", "tok4")), splicedWritten},
		{"new host with expiry (meta line first)", base, "new.example", store(withExpiry), splicedWritten},
		{"new token for a stored key", base, "a.example", store(newA), splicedWritten},
		{"same token again", base, "b.example", store(cred("b.example", "bob", "tok2")), splicedNoChange},
		{"another user on a stored host", base, "a.example", store(cred("a.example", "erin", "tok6")), splicedWritten},
		{"erase one", base, "b.example", erase(credential.Credential{Protocol: "https", Host: "b.example"}), splicedWritten},
		{"erase all of a host", base, "a.example", erase(credential.Credential{Protocol: "https", Host: "a.example"}), splicedWritten},
		{"erase nothing", base, "z.example", erase(credential.Credential{Protocol: "https", Host: "z.example"}), splicedNoChange},
		{"escaped and wildcard lines", base + "https://x%40y:t@a.example\nhttps://u:t@*.example\n", "a.example", store(newA), splicedWritten},
		{"the last line is the one replaced", "https://bob:tok2@b.example\nhttps://alice:tok1@a.example\n", "a.example", store(newA), splicedWritten},
		{"no final newline", strings.TrimSuffix(base, "\n"), "a.example", store(newA), splicedNotApplicable},
		{"CRLF entry for the host", "https://alice:tok1@a.example\r\n" + base, "a.example", store(newA), splicedWritten},
		{"meta line for the host", "#pat https://alice@a.example expiry=4102444800&pw=00000000\n" + base, "a.example", store(newA), splicedNotApplicable},
		{"CRLF elsewhere is copied", "https://zed:t@z.example\r\n" + base, "a.example", store(newA), splicedWritten},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			f := &FileStore{Path: path, LockTimeout: time.Second, Warn: func(msg string) { t.Errorf("warning: %s", msg) }}
			lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Close()
			got, err := f.updateSpliced(context.Background(), nil, path, lock, "lock", tc.host, tc.change(f))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("updateSpliced = %d, want %d", got, tc.want)
			}
			written, err := os.ReadFile(filepath.Join(dir, "lock"))
			if err != nil {
				t.Fatal(err)
			}
			lines, changed := tc.change(f)(parse(tc.file, tc.host, true))
			switch {
			case got == splicedWritten && string(written) != render(lines):
				t.Fatalf("spliced:\n%s\nthe rewrite writes:\n%s", written, render(lines))
			case got == splicedWritten && !changed, got == splicedNoChange && changed:
				t.Fatalf("spliced says %d, the rewrite says changed=%v", got, changed)
			case got != splicedWritten && len(written) != 0:
				t.Fatalf("updateSpliced wrote %q and said %d", written, got)
			}
		})
	}
}
