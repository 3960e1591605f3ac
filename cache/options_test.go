package cache

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultSocket(t *testing.T) {
	tests := []struct {
		runtime, cache, home, want string
	}{
		{"/run/user/1000", "/c", "/h", "/run/user/1000/git-credential-pat/socket"},
		{"", "/c", "/h", "/c/git-credential-pat/socket"},
		{"", "", "/h", "/h/.cache/git-credential-pat/socket"},
	}
	for _, tc := range tests {
		t.Setenv("XDG_RUNTIME_DIR", tc.runtime)
		t.Setenv("XDG_CACHE_HOME", tc.cache)
		t.Setenv("HOME", tc.home)
		got, err := DefaultSocket()
		if err != nil || got != filepath.FromSlash(tc.want) {
			t.Errorf("runtime %q cache %q home %q: %q, %v; want %q", tc.runtime, tc.cache, tc.home, got, err, tc.want)
		}
	}
}

func TestOpenOptions(t *testing.T) {
	long := "/tmp/" + strings.Repeat("x", maxSocketPath)
	if _, err := Open(Options{Socket: long}); err == nil || !strings.Contains(err.Error(), "choose a shorter --socket") {
		t.Errorf("a socket path too long for unix sockets: %v", err)
	}
	c, err := Open(Options{Socket: "rel/socket"})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(c.o.Socket) || c.o.Timeout != DefaultTimeout || len(c.o.DaemonArgs) != 1 || c.o.DaemonArgs[0] != "cache-daemon" {
		t.Errorf("defaults: %+v", c.o)
	}
}
