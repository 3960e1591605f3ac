package nopoll

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenFileAsOSDoes: the same contents, errors and modes as package os.
func TestOpenFileAsOSDoes(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, []byte("https://u:tok@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		flag    int
		perm    fs.FileMode
		wantErr error
	}{
		{"read", existing, os.O_RDONLY, 0, nil},
		{"missing", filepath.Join(dir, "missing"), os.O_RDONLY, 0, fs.ErrNotExist},
		{"a directory", dir, os.O_RDONLY, 0, nil},
		{"create", filepath.Join(dir, "new"), os.O_WRONLY | os.O_CREATE | os.O_EXCL, 0o400, nil},
		{"create over one", existing, os.O_WRONLY | os.O_CREATE | os.O_EXCL, 0o400, fs.ErrExist},
		{"write into a directory", dir, os.O_WRONLY, 0, nil /* checked against os below */},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours, err := OpenFile(tt.path, tt.flag, tt.perm)
			if err == nil {
				defer ours.Close()
			}
			if tt.flag&os.O_CREATE == 0 {
				theirs, osErr := os.OpenFile(tt.path, tt.flag, tt.perm)
				if osErr == nil {
					theirs.Close()
				}
				if (err == nil) != (osErr == nil) || err != nil && err.Error() != osErr.Error() {
					t.Fatalf("OpenFile: %v; os.OpenFile: %v", err, osErr)
				}
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("OpenFile: %v, want an error wrapping %v", err, tt.wantErr)
				}
				var pe *fs.PathError
				if !errors.As(err, &pe) || pe.Path != tt.path {
					t.Fatalf("OpenFile: %#v, want an *fs.PathError naming %s", err, tt.path)
				}
				return
			}
			if err != nil {
				return // an error os gives too (checked above)
			}
			if ours.Name() != tt.path {
				t.Errorf("Name() = %q, want %q", ours.Name(), tt.path)
			}
			st, err := ours.Stat()
			if err != nil {
				t.Fatal(err)
			}
			if tt.flag&os.O_CREATE != 0 && st.Mode().Perm() != tt.perm&^umask(t) {
				t.Errorf("created with mode %v, want %v", st.Mode().Perm(), tt.perm&^umask(t))
			}
			if st.Mode().IsRegular() && tt.flag == os.O_RDONLY {
				want, _ := os.ReadFile(tt.path)
				got := make([]byte, len(want)+10)
				n, _ := ours.ReadAt(got, 0)
				if string(got[:n]) != string(want) {
					t.Errorf("read %q, want %q", got[:n], want)
				}
			}
		})
	}
}

// umask is the process's file creation mask, read from a file it creates.
func umask(t *testing.T) fs.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ st.Mode().Perm()
}
