//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// fillPassword runs `git credential fill` for https://host in dir with the
// helpers git config names, and returns the password git got ("" for none:
// git then fails, as it may not prompt).
func fillPassword(t *testing.T, e *gittest.Env, dir, host string) string {
	t.Helper()
	out, _, _ := e.Git(t, dir, "protocol=https\nhost="+host+"\n\n", "credential", "fill")
	for _, l := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(l, "password="); ok {
			return p
		}
	}
	return ""
}

// shortRuntimeDir points XDG_RUNTIME_DIR, and so the default cache socket,
// at a short fresh 0700 directory (socket paths cap at ~100 bytes), and
// stops the daemon there when the test ends.
func shortRuntimeDir(t *testing.T, e *gittest.Env) {
	dir, err := os.MkdirTemp("", "gcp-rt-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o700)
	e.Setenv("XDG_RUNTIME_DIR", dir)
	t.Cleanup(func() {
		runBin(t, e, "", "cache", "exit")
		os.RemoveAll(dir)
	})
}

// Two helper lines that differ in --file, chosen by includeIf as people
// keep work and personal tokens apart, each with --cache-for on one cache
// daemon: each repository gets its own file's token, however the fills
// interleave.
func TestCacheForKeepsStoresApart(t *testing.T) {
	e, socket := cacheEnv(t)
	work, personal := filepath.Join(e.Home, "work.creds"), filepath.Join(e.Home, "personal.creds")
	for file, token := range map[string]string{work: "tok-WORK", personal: "tok-PERSONAL"} {
		if _, stderr, code := runBin(t, e, "protocol=https\nhost=git.example.com\nusername=u\npassword="+token+"\n", "--file", file, "store"); code != 0 {
			t.Fatalf("store in %s: %s", file, stderr)
		}
	}
	repos := map[string]string{}
	for _, name := range []string{"work", "personal"} {
		repos[name] = filepath.Join(e.Home, name, "repo")
		e.MustGit(t, "", "", "init", "-q", repos[name])
	}
	workConfig := filepath.Join(e.Home, "work.gitconfig")
	e.MustGit(t, "", "", "config", "--global", "credential.helper", helperLine("--file", personal, "--cache-for", "1h", "--socket", socket))
	e.MustGit(t, "", "", "config", "--global", "includeIf.gitdir:~/work/.path", workConfig)
	e.MustGit(t, "", "", "config", "--file", workConfig, "--add", "credential.helper", "")
	e.MustGit(t, "", "", "config", "--file", workConfig, "--add", "credential.helper", helperLine("--file", work, "--cache-for", "1h", "--socket", socket))

	tests := []struct{ repo, want string }{
		{"personal", "tok-PERSONAL"}, // from the file, remembered
		{"work", "tok-WORK"},         // must not be personal's remembered answer
		{"personal", "tok-PERSONAL"}, // from the cache
		{"work", "tok-WORK"},
	}
	for i, tc := range tests {
		if got := fillPassword(t, e, repos[tc.repo], "git.example.com"); got != tc.want {
			t.Errorf("fill %d in the %s repository = %q, want %q", i+1, tc.repo, got, tc.want)
		}
	}
}

// login, rotate and logout change the token in the file; git, which reads
// it through a cache, must see each change at once, although the commands
// are run without --cache-for.
func TestTokenCommandsMakeCacheForget(t *testing.T) {
	tests := []struct {
		name    string
		helpers func(file, socket string) []string // credential.helper lines in git config
	}{
		{"--cache-for in front of the file", func(file, _ string) []string {
			return []string{helperLine("--file", file, "--cache-for", "1h")}
		}},
		{"--cache-for with its own --socket", func(file, socket string) []string {
			return []string{helperLine("--file", file, "--cache-for", "1h", "--socket", socket)}
		}},
		{"a --store cache line before the file", func(file, _ string) []string {
			return []string{helperLine("--store", "cache", "--timeout", "1h"), helperLine("--file", file)}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, socket := cacheEnv(t)
			shortRuntimeDir(t, e)
			file := filepath.Join(e.Home, "creds")
			for _, h := range tc.helpers(file, socket) {
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", h)
			}
			const host = "git.example.com"
			// fill, then approve what it got, as git does after a request
			// succeeds: that is how a --store cache line gets its copy.
			use := func(step string, want string) {
				t.Helper()
				got := fillPassword(t, e, "", host)
				if got != want {
					t.Fatalf("after %s: git got %q, want %q", step, got, want)
				}
				if got != "" {
					e.MustGit(t, "", "protocol=https\nhost="+host+"\nusername=x-access-token\npassword="+got+"\n\n", "credential", "approve")
				}
			}
			run := func(stdin string, args ...string) {
				t.Helper()
				if _, stderr, code := runBin(t, e, stdin, append([]string{"--store", "file", "--file", file}, args...)...); code != 0 {
					t.Fatalf("%s: exit %d: %s", args[0], code, stderr)
				}
			}
			run("tok-OLD\n", "login", "--host", host, "--no-verify")
			use("login", "tok-OLD")
			use("a second fill", "tok-OLD")
			run("tok-NEW\n", "rotate", "--host", host, "--no-verify")
			use("rotate", "tok-NEW")
			run("", "logout", "--host", host)
			use("logout", "")
			run("tok-NEWER\n", "login", "--host", host, "--no-verify")
			use("login after logout", "tok-NEWER")
		})
	}
}

// login into the cache store itself must not make that daemon forget the
// tokens it holds as a store: only other daemons' copies of the host.
func TestLoginToCacheStoreKeepsItsEntries(t *testing.T) {
	e, socket := cacheEnv(t)
	shortRuntimeDir(t, e)
	const host = "git.example.com"
	for _, tc := range []struct{ socket, user, token string }{
		{socket, "alice", "tok-ALICE"}, {socket, "bob", "tok-BOB"},
		{"", "alice", "tok-DEFAULT-ALICE"}, {"", "bob", "tok-DEFAULT-BOB"},
	} {
		args := []string{"--store", "cache", "--timeout", "1h"}
		if tc.socket != "" {
			args = append(args, "--socket", tc.socket)
		}
		if _, stderr, code := runBin(t, e, tc.token+"\n", append(args, "login", "--host", host, "--username", tc.user, "--no-verify")...); code != 0 {
			t.Fatalf("login %s: %s", tc.user, stderr)
		}
	}
	for _, tc := range []struct{ socket, user, want string }{
		{socket, "alice", "tok-ALICE"}, {socket, "bob", "tok-BOB"},
		{"", "alice", "tok-DEFAULT-ALICE"}, {"", "bob", "tok-DEFAULT-BOB"},
	} {
		args := []string{"--store", "cache"}
		if tc.socket != "" {
			args = append(args, "--socket", tc.socket)
		}
		out, _, _ := runBin(t, e, "protocol=https\nhost="+host+"\nusername="+tc.user+"\n", append(args, "get")...)
		if !strings.Contains(out, "password="+tc.want+"\n") {
			t.Errorf("get %s at socket %q = %q, want password %s", tc.user, tc.socket, out, tc.want)
		}
	}
}
