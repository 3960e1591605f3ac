package backends

import (
	"path/filepath"
	"testing"

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
