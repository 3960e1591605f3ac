//go:build unix

package daemon_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cache/daemon"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// The file store behind the cache, wired as the CLI does it: through
// stores.Open with CacheFor, starting this test binary as the daemon.
func TestLayerFileConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) credential.Store {
		o := daemon.NewTestOptions(t)
		s, err := stores.Open("file", backends.Options{
			File: filepath.Join(t.TempDir(), "credentials"), Socket: o.Socket, CacheFor: time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
