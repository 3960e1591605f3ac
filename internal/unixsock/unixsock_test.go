//go:build linux

package unixsock

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckPrivateDir(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.Mkdir(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	private := mk("private", 0o700)
	link := filepath.Join(base, "link")
	if err := os.Symlink(private, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir, want string
	}{
		{private, ""},
		{mk("loose", 0o755), "chmod 700"},
		{link, "is a symlink"},
	} {
		err := CheckPrivateDir(tc.dir)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckPrivateDir(%s) = %v, want %q", tc.dir, err, tc.want)
		}
	}
}

// Deadline is the earlier of now+limit and the context's own deadline.
func TestDeadline(t *testing.T) {
	soon, cancel1 := context.WithTimeout(context.Background(), time.Second)
	defer cancel1()
	late, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	defer cancel2()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want func() time.Time
	}{
		{"no deadline", context.Background(), func() time.Time { return time.Now().Add(time.Minute) }},
		{"an earlier one", soon, func() time.Time { d, _ := soon.Deadline(); return d }},
		{"a later one", late, func() time.Time { return time.Now().Add(time.Minute) }},
	} {
		got := Deadline(tc.ctx, time.Minute)
		if diff := got.Sub(tc.want()); diff < -time.Second || diff > time.Second {
			t.Errorf("%s: Deadline = %v, want about %v", tc.name, got, tc.want())
		}
	}
}
