package backends

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// writeEntries writes n entries "https://<user>N:<token(N)>@hN.example".
func writeEntries(t *testing.T, path, user string, n int, token func(i int) string) {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "https://%s%d:%s@h%d.example\n", user, i, token(i), i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// age sets path's times to an hour ago, well outside racyWindow.
func age(t *testing.T, path string) {
	t.Helper()
	setTimes(t, path, time.Now().Add(-time.Hour).Truncate(time.Second))
}

// justChanged gives path a time that is not racyWindow before any look
// the test makes: a minute ahead, so that a slow machine cannot make the
// test outwait the window.
func justChanged(t *testing.T, path string) {
	t.Helper()
	setTimes(t, path, time.Now().Add(time.Minute).Truncate(time.Second))
}

// setAge is justChanged for a fresh file, else age.
func setAge(t *testing.T, path string, fresh bool) {
	t.Helper()
	if fresh {
		justChanged(t, path)
	} else {
		age(t, path)
	}
}

func setTimes(t *testing.T, path string, mtime time.Time) {
	t.Helper()
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// countScans counts the whole-file searches until the test ends.
func countScans(t *testing.T) *int {
	n := new(int)
	old := scanFile
	scanFile = func(r io.ReaderAt, size int64, host string, bufSize int, out *strings.Builder, spans *[]span) error {
		*n++
		return old(r, size, host, bufSize, out, spans)
	}
	t.Cleanup(func() { scanFile = old })
	return n
}

// git's store, as the helper serves it, looks at the file twice before it
// writes (already stored? a secret reference standing for it?), and the
// write under the lock splices from that same read when the file has not
// changed since: one read, not three (two for a file changed within
// racyWindow of the look).
func TestServedStoreLooksOnce(t *testing.T) {
	for _, tc := range []struct {
		name, host, user, pass string
		fresh                  bool // changed just now (not racyWindow before the look)
		reads, readsClosed     int  // readsClosed: where a look cannot keep the file open (keepOpen)
	}{
		{"new token", "new.example", "octo", "tok-new", false, 1, 2},
		{"changed token", "h7.example", "u7", "tok-changed", false, 1, 2},
		{"same token", "h7.example", "u7", "tok7", false, 1, 1}, // the first look finds it stored
		{"new token, file written just now", "new.example", "octo", "tok-new", true, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			writeEntries(t, path, "u", 2000, func(i int) string { return fmt.Sprintf("tok%d", i) })
			setAge(t, path, tc.fresh)
			store, err := Open("file", Options{File: path})
			if err != nil {
				t.Fatal(err)
			}
			scans := countScans(t)
			in := fmt.Sprintf("protocol=https\nhost=%s\nusername=%s\npassword=%s\n\n", tc.host, tc.user, tc.pass)
			if err := (&credential.Server{Store: store}).Serve(context.Background(), "store", strings.NewReader(in), io.Discard); err != nil {
				t.Fatal(err)
			}
			want := tc.reads
			if !keepOpen {
				want = tc.readsClosed
			}
			if *scans != want {
				t.Errorf("store read the file %d times, want %d", *scans, want)
			}
			got, err := (&FileStore{Path: path}).Get(context.Background(), credential.Credential{Protocol: "https", Host: tc.host})
			if err != nil || got.Password != tc.pass {
				t.Errorf("after the store: %q, %v; want %q", got.Password, err, tc.pass)
			}
		})
	}
}

// What a look kept lasts one request: a get in another request (or with
// none) reads the file again, and a write in the same request reads it
// again under the lock when the file changed since the look, so a file
// replaced in between (by rename, as every writer that locks does, or in
// place) is what both see.
func TestLooksLastOneRequest(t *testing.T) {
	first := func(t *testing.T, path string) {
		writeEntries(t, path, "u", 300, func(i int) string { return fmt.Sprintf("aaa%04d", i) })
	}
	// The same bytes but for users vN (so a store for uN keeps them) and
	// tokens bbbN.
	second := func(t *testing.T, path string) {
		writeEntries(t, path+".new", "v", 300, func(i int) string { return fmt.Sprintf("bbb%04d", i) })
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	q := credential.Credential{Protocol: "https", Host: "h7.example"}
	path := filepath.Join(t.TempDir(), "credentials")
	s := &FileStore{Path: path, LockTimeout: time.Second}

	first(t, path)
	scans := countScans(t)
	req := credential.WithLooks(ctx)
	defer credential.LooksOf(req).Close()
	s.Get(req, q)
	s.Get(credential.Peeking(req), q)
	if *scans != 1 {
		t.Errorf("two gets in one request read the file %d times, want 1", *scans)
	}
	second(t, path)
	if got, err := s.Get(ctx, q); err != nil || got.Password != "bbb0007" {
		t.Errorf("get outside the request after the change: %q, %v; want bbb0007", got.Password, err)
	}
	other := credential.WithLooks(ctx)
	defer credential.LooksOf(other).Close()
	if got, err := s.Get(other, q); err != nil || got.Password != "bbb0007" {
		t.Errorf("get in a new request after the change: %q, %v; want bbb0007", got.Password, err)
	}

	first(t, path)
	req = credential.WithLooks(ctx)
	defer credential.LooksOf(req).Close()
	s.Get(req, q)
	second(t, path)
	if err := s.Store(req, cred("h7.example", "u7", "ccc")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var have []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(l, "@h7.example") {
			have = append(have, l)
		}
	}
	if want := "https://u7:ccc@h7.example https://v7:bbb0007@h7.example"; strings.Join(have, " ") != want {
		t.Errorf("entries for h7.example after the store: %q, want %q (the store must read the file it replaces)", have, want)
	}
}

// A write in the same request as a look splices from the look's read only
// while the file is the one it read. Each case passes only one of kept's
// checks, and fails if the write uses the stale read: the line written in
// between would be lost, or the wrong line cut out.
func TestStoreAfterLookSeesChanges(t *testing.T) {
	const (
		added = "https://w7:ddd0007@h7.example"
		u7    = "https://u7:aaa0007@h7.example\n"
		u7h9  = "https://u7:aaa0007@h9.example\n" // as long as u7, for another host
	)
	// inPlace rewrites u7's line as u7h9, where it is.
	inPlace := func(t *testing.T, path string, data []byte) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt([]byte(u7h9), int64(strings.Index(string(data), u7))); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		fresh    bool                                                          // the file changed just now (justChanged), not aged
		change   func(t *testing.T, path string, data []byte, mtime time.Time) // data and mtime: the file as the look read it
		survivor string                                                        // the line change wrote, which the store must keep
	}{
		// The size check: the time is put back.
		{"appended, time kept", false, func(t *testing.T, path string, _ []byte, mtime time.Time) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(added + "\n"); err != nil {
				t.Fatal(err)
			}
			f.Close()
			setTimes(t, path, mtime)
		}, added},
		// The time check: the same size, the same file, a new time.
		{"same size, in place", false, func(t *testing.T, path string, data []byte, _ time.Time) {
			inPlace(t, path, data)
		}, strings.TrimSuffix(u7h9, "\n")},
		// The file check: another file of the same size and time.
		{"renamed over, same size and time", false, func(t *testing.T, path string, data []byte, mtime time.Time) {
			next := strings.Replace(string(data), u7, u7h9, 1)
			if err := os.WriteFile(path+".new", []byte(next), 0o600); err != nil {
				t.Fatal(err)
			}
			setTimes(t, path+".new", mtime)
			if err := os.Rename(path+".new", path); err != nil {
				t.Fatal(err)
			}
		}, strings.TrimSuffix(u7h9, "\n")},
		// racyWindow: a file changed in the tick it was written in keeps
		// its size and time (here the time is put back to show it).
		{"written just now, changed in place, time kept", true, func(t *testing.T, path string, data []byte, mtime time.Time) {
			inPlace(t, path, data)
			setTimes(t, path, mtime)
		}, strings.TrimSuffix(u7h9, "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			writeEntries(t, path, "u", 300, func(i int) string { return fmt.Sprintf("aaa%04d", i) })
			setAge(t, path, tc.fresh)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			s := &FileStore{Path: path, LockTimeout: time.Second}
			req := credential.WithLooks(context.Background())
			defer credential.LooksOf(req).Close()
			if _, err := s.Get(credential.Peeking(req), credential.Credential{Protocol: "https", Host: "h7.example"}); err != nil {
				t.Fatal(err)
			}
			tc.change(t, path, data, st.ModTime())
			if err := s.Store(req, cred("h7.example", "u7", "ccc")); err != nil {
				t.Fatal(err)
			}
			// The write closed the look's file before its rename (release):
			// NFS keeps a replaced file that is still open.
			if v, ok := credential.LooksOf(req).Load(lookKey{s, path, "h7.example"}); !ok || v.(*fileRead).fh != nil {
				t.Errorf("after the write the look's read is missing (%v) or its file still open", !ok)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(after), "\n")
			for _, want := range []string{"https://u7:ccc@h7.example", tc.survivor} {
				if !slices.Contains(lines, want) {
					t.Errorf("after the store the file has no line %q", want)
				}
			}
			if slices.Contains(lines, strings.TrimSuffix(u7, "\n")) {
				t.Errorf("the store kept the entry it replaces")
			}
		})
	}
}

// A file readable by other users gets one warning while it stays so,
// however often and through however many stores this process reads it (a
// served store looks, then writes; a command opens a store per helper
// line), and again once it is readable again after being private; a
// private file none.
func TestModeWarningOnceWhileReadable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix mode bits to warn about")
	}
	for _, tc := range []struct {
		name  string
		mode  os.FileMode
		fresh bool  // the write reads the file again (see kept)
		warns []int // per request: get, store, store, then get after a chmod back to mode
	}{
		// The get said it; the first store rewrites the file with mode
		// 0600, which the second reads: the chmod back is news.
		{"readable by others", 0o644, false, []int{1, 0, 0, 1}},
		{"readable by others, read again by the write", 0o644, true, []int{1, 0, 0, 1}},
		{"private", 0o600, false, []int{0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			writeEntries(t, path, "u", 20, func(i int) string { return fmt.Sprintf("tok%d", i) })
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			setAge(t, path, tc.fresh)
			var warnings []string
			warn := func(m string) { warnings = append(warnings, m) }
			var got []int
			for i, action := range []string{"get", "store", "store", "get"} {
				// A store opened per request, as the helper does.
				srv := &credential.Server{Store: &FileStore{Path: path, LockTimeout: time.Second, Warn: warn}}
				if i == 3 {
					if err := os.Chmod(path, tc.mode); err != nil {
						t.Fatal(err)
					}
				}
				before := len(warnings)
				in := fmt.Sprintf("protocol=https\nhost=new.example\nusername=u\npassword=tok-%d\n\n", i)
				if err := srv.Serve(context.Background(), action, strings.NewReader(in), io.Discard); err != nil {
					t.Fatal(err)
				}
				got = append(got, len(warnings)-before)
			}
			if !slices.Equal(got, tc.warns) {
				t.Errorf("warnings per request %v, want %v: %q", got, tc.warns, warnings)
			}
			if len(warnings) > 0 && !strings.Contains(warnings[0], "chmod 600 "+path) {
				t.Errorf("warning %q does not name the fix", warnings[0])
			}
		})
	}
}

// A command reads the file outside any request, several times and through
// a store per helper line naming it: one warning.
func TestModeWarningOnceOutsideRequests(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix mode bits to warn about")
	}
	path := filepath.Join(t.TempDir(), "credentials")
	writeEntries(t, path, "u", 3, func(i int) string { return fmt.Sprintf("tok%d", i) })
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	ctx := context.Background()
	for range 2 {
		s := &FileStore{Path: path, LockTimeout: time.Second, Warn: func(m string) { warnings = append(warnings, m) }}
		if _, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "nothing.example"}); !errors.Is(err, credential.ErrNotFound) {
			t.Fatal(err)
		}
		if _, err := s.List(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(warnings) != 1 {
		t.Errorf("%d warnings, want 1: %q", len(warnings), warnings)
	}
}

// The chmod the warning advises names the file as one shell word.
func TestModeWarningQuotesThePath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix mode bits to warn about")
	}
	path := filepath.Join(t.TempDir(), "my creds;x")
	writeEntries(t, path, "u", 1, func(i int) string { return fmt.Sprintf("tok%d", i) })
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	s := &FileStore{Path: path, LockTimeout: time.Second, Warn: func(m string) { warnings = append(warnings, m) }}
	s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "nothing.example"})
	if want := "run: chmod 600 '" + path + "'"; len(warnings) != 1 || !strings.HasSuffix(warnings[0], want) {
		t.Errorf("warnings %q, want one ending %q", warnings, want)
	}
}
