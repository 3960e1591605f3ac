package stores

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Only what needs no daemon: this test binary cannot be one. The cache
// package's own tests run real daemons, also behind the file store.
func TestCacheStore(t *testing.T) {
	if !strings.Contains(backends.Help("cache"), "cache") {
		t.Errorf("cache store not registered: %q", backends.Help("cache"))
	}
	tests := []struct {
		name   string
		store  string
		o      backends.Options
		lister bool
	}{
		{"cache", "cache", backends.Options{}, true},
		{"file with --cache-for", "file", backends.Options{CacheFor: time.Minute}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.o.Socket = filepath.Join(dir, "s", "socket")
			tc.o.File = filepath.Join(dir, "credentials")
			s, err := Open(tc.store, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			for _, action := range []string{"get", "erase"} {
				var out bytes.Buffer
				if err := credential.Serve(context.Background(), action, s, strings.NewReader("protocol=https\nhost=example.com\n"), &out); err != nil || out.Len() != 0 {
					t.Errorf("%s with no daemon: %v, %q", action, err, out.String())
				}
			}
			if _, err := os.Stat(tc.o.Socket); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("get or erase started a daemon: %v", err)
			}
			if _, ok := s.(credential.Lister); ok != tc.lister {
				t.Errorf("lists: %v, want %v", ok, tc.lister)
			}
		})
	}
}

// backends.As finds the file store behind the cache layer --cache-for adds.
func TestAsLooksBehindTheCache(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "credentials")
	s, err := Open("file", backends.Options{File: file, Socket: filepath.Join(dir, "s", "socket"), CacheFor: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := backends.As[*backends.FileStore](s)
	if !ok || f.Path != file {
		t.Fatalf("As[*FileStore] behind --cache-for = %v, %v; want the file store at %s", f, ok, file)
	}
}
