package backends

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

func TestFileConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) credential.Store {
		s, err := Open("file", Options{File: filepath.Join(t.TempDir(), "sub", "credentials")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestFileLockTimeout(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &FileStore{Path: path, LockTimeout: 50 * time.Millisecond}
	err := s.Store(context.Background(), cred("h", "u", "p"))
	if err == nil || !strings.Contains(err.Error(), "remove "+path+".lock") {
		t.Fatalf("err = %v, want a message naming the lock file", err)
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Fatal("someone else's lock file was removed")
	}
}

// The file's format writes the protocol as it is: one that is not a URL
// scheme could make an entry for another host, so Store refuses it even
// when the caller is not the helper protocol's Server (login).
func TestFileStoreRefusesProtocolThatIsNotAScheme(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: time.Second}
	c := cred("example.com", "u", "tok")
	c.Protocol = "https://mallory:ghp_X@github.com/x?"
	err := s.Store(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "not a URL scheme") || strings.Contains(err.Error(), "ghp_X") {
		t.Fatalf("err = %v, want a refusal that does not quote the protocol", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the file was written")
	}
}

// Storing for one host keeps another host's "#pat " line although that
// line holds a '%' (so it is parsed) and its entry line does not (so it is
// kept verbatim, unparsed): the line used to be dropped as an orphan,
// losing that entry's refresh token and expiry.
func TestFileStoreKeepsOtherHostsMetaLines(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: time.Second}
	other := cred("other.example", "u", "tok")
	other.PasswordExpiryUTC = 4102444800
	other.OAuthRefreshToken = "refresh/with=chars&more"
	if err := s.Store(ctx, other); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(before), "%") {
		t.Fatalf("the meta line holds no '%%', so this test proves nothing:\n%s", before)
	}
	if err := s.Store(ctx, cred("github.com", "u", "ghp_x")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "other.example"})
	if err != nil || got.OAuthRefreshToken != other.OAuthRefreshToken || got.PasswordExpiryUTC != other.PasswordExpiryUTC {
		after, _ := os.ReadFile(path)
		t.Fatalf("other.example after storing github.com: %+v, %v\n%s", got, err, after)
	}
}

// Entries of the host that a store or erase leaves alone are written back
// as they were, their "#pat " lines included: an attribute a newer version
// wrote, a value this one cannot read, an escape it would spell otherwise.
func TestFileStoreKeepsUnchangedLinesAsTheyWere(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: time.Second}
	u, v := cred("m.example", "u", "tokM"), cred("m.example", "v", "tokV")
	kept := "#pat https://u@m.example expiry=4102444800&future=keepme&pw=" + passwordHash(u) + "\n" +
		"https://u:tokM@m.example\n" +
		"#pat https://v@m.example expiry=41024448OO&pw=" + passwordHash(v) + "\n" +
		"https://v:tokV@m.example\n" +
		"https://x%2fy:tokX@m.example\r\n"
	if err := os.WriteFile(path, []byte(kept), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "m.example", Username: "u"}); err != nil || got.PasswordExpiryUTC != 4102444800 {
		t.Fatalf("the meta line is not read: %+v, %v", got, err)
	}
	for _, change := range []func() error{
		func() error { return s.Store(ctx, cred("m.example", "w", "tokW")) },
		func() error {
			return s.Erase(ctx, credential.Credential{Protocol: "https", Host: "m.example", Username: "w"})
		},
	} {
		if err := change(); err != nil {
			t.Fatal(err)
		}
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(after), kept) {
			t.Fatalf("the lines left alone changed:\n%s\nwant them as they were:\n%s", after, kept)
		}
	}
}

func TestFilePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	path := filepath.Join(dir, "credentials")
	var warnings []string
	s := &FileStore{Path: path, LockTimeout: time.Second, Warn: func(m string) { warnings = append(warnings, m) }}
	ctx := context.Background()
	if err := s.Store(ctx, cred("h", "u", "p")); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", p, st.Mode().Perm(), want, err)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "h"}); err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "chmod 600 "+path) {
		t.Fatalf("warnings = %q", warnings)
	}
}

// A meta line written for one token must not be applied to another token
// that git's own credential-store later put in its place.
func TestFileMetaFollowsItsToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: time.Second}
	ctx := context.Background()
	c := cred("h", "u", "old")
	c.PasswordExpiryUTC = 4102444800
	if err := s.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	replaced := strings.Replace(string(data), "u:old@h", "u:new@h", 1)
	if err := os.WriteFile(path, []byte(replaced), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "h"})
	if err != nil || got.Password != "new" || got.PasswordExpiryUTC != 0 {
		t.Fatalf("got %+v, %v: the old token's expiry leaked onto the new one", got.Redacted(), err)
	}
}

func cred(host, user, pass string) credential.Credential {
	c := credential.Credential{Protocol: "https", Host: host}
	c.SetUsername(user)
	c.SetPassword(pass)
	return c
}

// Reading in chunks finds exactly the lines a whole-file search finds,
// across chunk boundaries and for lines longer than the buffer.
func TestScanCandidatesMatchesWholeFile(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "https://u:tok%d@h%d.example\n", i, i%97)
	}
	b.WriteString("https://u:" + strings.Repeat("x", 600<<10) + "@h5.example\n") // longer than the buffer
	b.WriteString("https://u:last@h5.example")                                   // no final newline
	data := b.String()
	for _, host := range []string{"h5.example", "h96.example", "nowhere.example"} {
		var want strings.Builder
		for _, start := range candidates(data, host) {
			line, _, _ := strings.Cut(data[start:], "\n")
			want.WriteString(line + "\n")
		}
		for _, size := range []int{1, 4096, 256 << 10} {
			var got strings.Builder
			if err := scanCandidates(strings.NewReader(data), host, size, &got); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("%s, buffer %d: chunked scan found %d bytes, whole-file search %d", host, size, got.Len(), want.Len())
			}
		}
	}
}

// The mark of a secret reference (login --ref) lives on the entry's meta
// line and survives whatever else rewrites the file; a password put in its
// place by another writer (git's credential-store) is not marked.
func TestFileKeepsReferenceMark(t *testing.T) {
	ctx := context.Background()
	ref := cred("ref.example", "alice", "op://Private/GitHub PAT/token")
	ref.SecretRef = true
	withExpiry := ref
	withExpiry.PasswordExpiryUTC = 4102444800
	plainRef := cred("ref.example", "bob", "op://Private/Other/token") // stored by git, unmarked
	tests := []struct {
		name   string
		stored credential.Credential
		then   func(t *testing.T, f *FileStore)
		marked bool
	}{
		{"as stored", ref, func(*testing.T, *FileStore) {}, true},
		{"with an expiry", withExpiry, func(*testing.T, *FileStore) {}, true},
		{"store for another host", ref, func(t *testing.T, f *FileStore) {
			mustStore(t, f, cred("other.example", "u", "tok"))
		}, true},
		{"store for the same host, another user", ref, func(t *testing.T, f *FileStore) {
			mustStore(t, f, plainRef)
		}, true},
		{"erase of another entry on the same host", ref, func(t *testing.T, f *FileStore) {
			mustStore(t, f, plainRef)
			if err := f.Erase(ctx, plainRef); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"another writer replaces the password", ref, func(t *testing.T, f *FileStore) {
			data, _ := os.ReadFile(f.Path)
			data = []byte(strings.Replace(string(data), "op%3A%2F%2FPrivate%2FGitHub%20PAT%2Ftoken", "op%3A%2F%2Fevil%2Fitem%2Ffield", 1))
			if err := os.WriteFile(f.Path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &FileStore{Path: filepath.Join(t.TempDir(), "credentials"), LockTimeout: time.Second}
			mustStore(t, f, tc.stored)
			tc.then(t, f)
			got, err := f.Get(ctx, credential.Credential{Protocol: "https", Host: "ref.example", Username: "alice", HasUsername: true})
			if err != nil || got.SecretRef != tc.marked {
				data, _ := os.ReadFile(f.Path)
				t.Fatalf("marked %v, %v; want %v. File:\n%s", got.SecretRef, err, tc.marked, data)
			}
			if tc.marked && got.PasswordExpiryUTC != tc.stored.PasswordExpiryUTC {
				t.Fatalf("expiry %d, want %d", got.PasswordExpiryUTC, tc.stored.PasswordExpiryUTC)
			}
			if es, _ := f.List(ctx); len(es) > 1 && es[1].SecretRef && es[1].Username != "alice" {
				t.Fatalf("the mark spread to %s", es[1].Username)
			}
		})
	}
}

func mustStore(t *testing.T, s credential.Store, c credential.Credential) {
	t.Helper()
	if err := s.Store(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}
