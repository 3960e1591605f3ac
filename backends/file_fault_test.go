package backends

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// 1,000 concurrent writers mixing store and erase end with exactly the
// expected set: every store kept, every erase applied, nothing else lost.
func TestFileConcurrentStoreAndErase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: 2 * time.Minute} // goroutines under -race can starve the holder
	ctx := context.Background()
	const n = 500
	for i := 0; i < n; i++ {
		if err := s.Store(ctx, cred(fmt.Sprintf("old%d.example", i), "u", "p")); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			errs <- s.Store(ctx, cred(fmt.Sprintf("new%d.example", i), "u", fmt.Sprintf("tok%d", i)))
		}(i)
		go func(i int) {
			defer wg.Done()
			errs <- s.Erase(ctx, credential.Credential{Protocol: "https", Host: fmt.Sprintf("old%d.example", i)})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range all {
		got = append(got, c.Host+"="+c.Password)
	}
	sort.Strings(got)
	var want []string
	for i := 0; i < n; i++ {
		want = append(want, fmt.Sprintf("new%d.example=tok%d", i, i))
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("final set has %d entries, want %d", len(got), len(want))
	}
}

// A symlinked credentials file (dotfiles) is followed and stays a symlink;
// one pointing at another user's file is refused.
func TestFileSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "credentials")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "credentials")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s := &FileStore{Path: link, LockTimeout: time.Second}
	if err := s.Store(context.Background(), cred("h", "u", "p")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v", err)
	}
	if data, _ := os.ReadFile(real); !strings.Contains(string(data), "https://u:p@h") {
		t.Fatalf("target not written: %q", data)
	}

	testenv.Root(t, "changing a file's owner (the foreign-owner case)")
	if err := os.Chown(real, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "h"})
	if err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Fatalf("foreign symlink target: err = %v", err)
	}
	if err := s.Store(context.Background(), cred("h2", "u", "p")); err == nil {
		t.Fatal("stored into another user's file")
	}
}
