package backends

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// Only what needs no daemon: this test binary cannot be one. The cache
// package's own tests run real daemons, also behind the file store.
func TestCacheStore(t *testing.T) {
	if !strings.Contains(Help("cache"), "cache") {
		t.Errorf("cache store not registered: %q", Help("cache"))
	}
	tests := []struct {
		name   string
		store  string
		o      Options
		lister bool
	}{
		{"cache", "cache", Options{}, true},
		{"file with --cache-for", "file", Options{CacheFor: time.Minute}, true},
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
