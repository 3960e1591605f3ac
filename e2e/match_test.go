//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/keyringtest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// matchStores gives each store a test runs against: its helper flags, in
// an environment of its own (a private gnome-keyring for the keychain, a
// private daemon socket for the cache).
func matchStores(t *testing.T) map[string]func(t *testing.T) (*gittest.Env, []string) {
	return map[string]func(t *testing.T) (*gittest.Env, []string){
		"file": func(t *testing.T) (*gittest.Env, []string) {
			e := gittest.NewEnv(t)
			return e, []string{"--file", filepath.Join(e.Home, "creds")}
		},
		"cache": func(t *testing.T) (*gittest.Env, []string) {
			e, socket := cacheEnv(t)
			return e, []string{"--store", "cache", "--socket", socket}
		},
		"keychain": func(t *testing.T) (*gittest.Env, []string) {
			k := keyringtest.Start(t)
			e := gittest.NewEnv(t)
			e.SetenvAll(k.Env)
			return e, []string{"--store", "keychain"}
		},
	}
}

// gitCredential runs `git credential ACTION` with our helper and extra git
// options, and returns stdout and git's error (a fill nobody answers fails:
// prompts are off).
func gitCredential(t *testing.T, e *gittest.Env, flags, gitOpts []string, action string, in ...string) (string, error) {
	t.Helper()
	args := append(append(helperArgs(flags...), gitOpts...), "credential", action)
	out, _, err := e.Git(t, "", strings.Join(in, "\n")+"\n\n", args...)
	return out, err
}

// git sends "host=" for a URL without a host (https:///x). That host is
// empty, not "any host": it must not get github.com's token, and a reject
// for it must not erase every entry (issue 13, item 2).
func TestEmptyHostGetsNoOtherHostsToken(t *testing.T) {
	for name, open := range matchStores(t) {
		t.Run(name, func(t *testing.T) {
			e, flags := open(t)
			credential(t, e, flags, "approve", "protocol=https", "host=github.com", "username=u", "password=ghp_GITHUB")
			credential(t, e, flags, "approve", "protocol=https", "host=gitlab.example", "username=u", "password=glpat_GITLAB")

			for _, url := range []string{"https:///x", "https://"} {
				out, err := gitCredential(t, e, flags, nil, "fill", "url="+url)
				if err == nil || strings.Contains(out, "password=") {
					t.Fatalf("git credential fill url=%s answered %q (%v); want no token", url, out, err)
				}
			}
			if out, stderr, code := runBin(t, e, "protocol=https\nhost=\n", append(flags, "get")...); out != "" || code != 0 {
				t.Fatalf("get host= : %q %q exit %d; want nothing", out, stderr, code)
			}

			// Reject, through git and directly, with and without a username.
			gitCredential(t, e, flags, nil, "reject", "url=https:///x", "username=u", "password=ghp_GITHUB")
			for _, in := range []string{"protocol=https\nhost=\n", "protocol=https\nhost=\nusername=u\n", "host=\n"} {
				if _, stderr, code := runBin(t, e, in, append(flags, "erase")...); code != 0 {
					t.Fatalf("erase %q: exit %d %s", in, code, stderr)
				}
			}
			for host, token := range map[string]string{"github.com": "ghp_GITHUB", "gitlab.example": "glpat_GITLAB"} {
				if out := credential(t, e, flags, "fill", "protocol=https", "host="+host); !strings.Contains(out, "password="+token+"\n") {
					t.Fatalf("%s's token is gone after an erase for an empty host: %q", host, out)
				}
			}
		})
	}
}

// A path with dot segments, plain or percent-encoded, names another
// repository than its prefix once the server resolves it: it gets no
// owner token, and a reject for it leaves the owner token alone (issue 13,
// item 5).
func TestDotSegmentsGetNoOwnerToken(t *testing.T) {
	useHTTPPath := []string{"-c", "credential.useHttpPath=true"}
	for name, open := range matchStores(t) {
		t.Run(name, func(t *testing.T) {
			e, flags := open(t)
			// As login --owner configures it: git sends the path.
			e.MustGit(t, "", "", "config", "--global", "credential.https://github.com.useHttpPath", "true")
			credential(t, e, flags, "approve", "url=https://github.com/acme", "username=u", "password=github_pat_ACME")

			// git percent-decodes the remote's path before it asks the
			// helper; curl sends %2e%2e as it is and the server resolves it.
			for _, url := range []string{
				"https://github.com/acme/../evil/repo.git",
				"https://github.com/acme/%2e%2e/evil/repo.git",
				"https://github.com/acme/%252e%252e/evil/repo.git",
				"https://github.com/acme/./repo.git",
			} {
				out, err := gitCredential(t, e, flags, useHTTPPath, "fill", "url="+url)
				if err == nil || strings.Contains(out, "github_pat_ACME") {
					t.Fatalf("fill %s answered %q (%v); want no token", url, out, err)
				}
				// The server rejects whatever git sent: git erases it.
				if _, err := gitCredential(t, e, flags, useHTTPPath, "reject", "url="+url, "username=u", "password=github_pat_ACME"); err != nil {
					t.Fatalf("reject %s: %v", url, err)
				}
			}
			out, err := gitCredential(t, e, flags, useHTTPPath, "fill", "url=https://github.com/acme/app.git")
			if err != nil || !strings.Contains(out, "password=github_pat_ACME\n") {
				t.Fatalf("the acme token no longer answers acme/app.git: %q %v", out, err)
			}

			// A host-wide token still answers such a path: it covers the host.
			credential(t, e, flags, "approve", "url=https://github.com", "username=u", "password=ghp_WIDE")
			out, err = gitCredential(t, e, flags, useHTTPPath, "fill", "url=https://github.com/acme/%2e%2e/evil/repo.git")
			if err != nil || !strings.Contains(out, "password=ghp_WIDE\n") {
				t.Fatalf("host-wide token for a dot-segment path: %q %v", out, err)
			}
		})
	}
}

// store refuses a protocol that is not a URL scheme: written unescaped
// into the file, "https://mallory:ghp_X@github.com/x?" made an entry that
// answered github.com with mallory's token (issue 13, item 10).
func TestStoreRefusesProtocolThatIsNotAScheme(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	for _, proto := range []string{"https://mallory:ghp_MALLORY@github.com/x?", "https:", "1https", "ht tp"} {
		in := "protocol=" + proto + "\nhost=example.com\nusername=u\npassword=tok\n"
		_, stderr, code := runBin(t, e, in, "--file", file, "store")
		if code == 0 || !strings.Contains(stderr, "protocol is not a URL scheme") || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "ghp_MALLORY") {
			t.Fatalf("store protocol=%q: exit %d, stderr %q; want one line refusing it, without the value", proto, code, stderr)
		}
	}
	if data, err := os.ReadFile(file); err == nil {
		t.Fatalf("the file was written: %q", data)
	}
	if out, _, _ := runBin(t, e, "protocol=https\nhost=github.com\n", "--file", file, "get"); out != "" {
		t.Fatalf("github.com is answered: %q", out)
	}
	// A real scheme is stored as before.
	if _, stderr, code := runBin(t, e, "protocol=git+ssh\nhost=example.com\nusername=u\npassword=tok\n", "--file", file, "store"); code != 0 {
		t.Fatalf("store protocol=git+ssh: %s", stderr)
	}
}

// store refuses a host that no URL carries: written as it is into the
// file, "github.com/evil" read back as github.com with the path evil, an
// entry for a host git never asked to store.
func TestStoreRefusesHostThatIsNotAHost(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	for _, host := range []string{"github.com/evil", "x:ghp_MALLORY@github.com", "github.com?"} {
		in := "protocol=https\nhost=" + host + "\nusername=u\npassword=tok\n"
		_, stderr, code := runBin(t, e, in, "--file", file, "store")
		if code == 0 || !strings.Contains(stderr, "no URL host can") || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "ghp_MALLORY") {
			t.Fatalf("store host=%q: exit %d, stderr %q; want one line refusing it, without the value", host, code, stderr)
		}
	}
	if data, err := os.ReadFile(file); err == nil {
		t.Fatalf("the file was written: %q", data)
	}
	if out, _, _ := runBin(t, e, "protocol=https\nhost=github.com\npath=evil\n", "--file", file, "get"); out != "" {
		t.Fatalf("github.com is answered: %q", out)
	}
}

// mallory's /tmp/shared/creds -> victim's .profile: the helper resolves
// symlinks itself (dotfile setups), so the kernel's protected_symlinks rule
// did not apply and store prepended a token line to .profile. A symlink
// another user made in a sticky world-writable directory is refused, with
// an error that says why (issue 13, item 9).
func TestForeignSymlinkInStickyDirRefused(t *testing.T) {
	testenv.Root(t, "acting as another user")
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatal("setpriv (util-linux) is needed: ", err)
	}
	e := gittest.NewEnv(t)
	profile := filepath.Join(e.Home, ".profile")
	const before = "export PATH=$HOME/bin:$PATH\n"
	if err := os.WriteFile(profile, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	top, err := os.MkdirTemp("", "gcp-shared-") // t.TempDir's parent is 0700: uid 65534 could not reach it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	shared := filepath.Join(top, "shared")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	// A /tmp of our own: traversable by all, the shared dir 1777.
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(shared, "creds")
	mallory := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "ln", "-s", profile, link)
	if out, err := mallory.CombinedOutput(); err != nil {
		t.Fatalf("ln -s as uid 65534: %v %s", err, out)
	}

	in := "protocol=https\nhost=github.com\nusername=u\npassword=ghp_VICTIM\n"
	for _, action := range []string{"store", "get", "erase"} {
		_, stderr, code := runBin(t, e, in, "--file", link, action)
		if code == 0 || !strings.Contains(stderr, "another user (uid 65534)") || !strings.Contains(stderr, "sticky") || strings.Contains(stderr, "ghp_VICTIM") {
			t.Fatalf("%s through mallory's link: exit %d, stderr %q; want a refusal that says why", action, code, stderr)
		}
	}
	if data, _ := os.ReadFile(profile); string(data) != before {
		t.Fatalf(".profile was written: %q", data)
	}
	// Our own link in the same directory is followed, as before.
	own := filepath.Join(shared, "mine")
	if err := os.WriteFile(filepath.Join(e.Home, "creds"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(e.Home, "creds"), own); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runBin(t, e, in, "--file", own, "store"); code != 0 {
		t.Fatalf("store through our own link: %s", stderr)
	}
	assertEntries(t, filepath.Join(e.Home, "creds"), 1)
}

// lockedWriter starts cmd (a writer of the file store at file, a FIFO) and
// returns once the writer holds file's lock: a writer reads the file only
// under the lock, and opening a FIFO blocks until someone writes to it.
func lockedWriter(t *testing.T, e *gittest.Env, file string, cmd *exec.Cmd) (done <-chan error, stderr *strings.Builder) {
	t.Helper()
	stderr = &strings.Builder{}
	cmd.Env, cmd.Dir, cmd.Stderr = e.Vars, e.Home, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Process.Signal(syscall.SIGCONT)
	})
	for watchdog := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(file + ".lock"); err == nil {
			return ch, stderr
		}
		select {
		case err := <-ch:
			t.Fatalf("the writer ended before it held the lock: %v %s", err, stderr)
		default:
		}
		if time.Since(watchdog) > time.Minute {
			t.Fatal("the writer never took the lock")
		}
	}
}

// feedFIFO hands content to the writer blocked on opening the FIFO.
func feedFIFO(t *testing.T, fifo, content string) {
	t.Helper()
	fh, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteString(content); err != nil {
		t.Fatal(err)
	}
	fh.Close()
}

func waitExit(t *testing.T, what string, done <-chan error, stderr *strings.Builder) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute): // a watchdog, not a measurement
		t.Fatalf("%s is still running after a minute: %s", what, stderr)
		return nil
	}
}

// A writer's lock is judged by its holder, not by the time it has held it
// (issue 13, item 11): on a busy machine a writer of ours descheduled for
// over a second while holding the lock made the others fail with "still
// locked after 1s by the same writer". Here the holder is stopped with
// SIGSTOP for 20 times the timeout and must be waited for; a SIGKILLed
// holder's lock is stale at once, even with a one-hour timeout; a lock held
// by git's own credential-store (no flock) keeps the timeout rule.
func TestFileLockJudgedByHolder(t *testing.T) {
	seed := "https://u:keep@keep.example\nhttps://u:gone@gone.example\nhttps://u:other@other.example\n"
	erase := func(host string, flags ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(flags, "erase")...)
		cmd.Stdin = strings.NewReader("protocol=https\nhost=" + host + "\n")
		return cmd
	}
	mkfifo := func(t *testing.T, e *gittest.Env) string {
		file := filepath.Join(e.Home, "creds")
		if err := syscall.Mkfifo(file, 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}

	t.Run("a stopped writer of ours is waited for", func(t *testing.T) {
		e := gittest.NewEnv(t)
		file := mkfifo(t, e)
		holder := erase("gone.example", "--file", file)
		holderDone, holderErr := lockedWriter(t, e, file, holder)
		if err := holder.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		// The second writer does not read the file before it has the lock.
		waiter := erase("other.example", "--file", file, "--lock-timeout", "100ms")
		var waiterErr strings.Builder
		waiter.Env, waiter.Dir, waiter.Stderr = e.Vars, e.Home, &waiterErr
		if err := waiter.Start(); err != nil {
			t.Fatal(err)
		}
		waiterDone := make(chan error, 1)
		go func() { waiterDone <- waiter.Wait() }()
		select {
		case err := <-waiterDone:
			t.Fatalf("the second writer gave up on a live (stopped) holder: %v %s", err, &waiterErr)
		case <-time.After(2 * time.Second): // 20 times its lock timeout
		}
		holder.Process.Signal(syscall.SIGCONT)
		feedFIFO(t, file, seed)
		if err := waitExit(t, "the holder", holderDone, holderErr); err != nil {
			t.Fatalf("holder: %v %s", err, holderErr)
		}
		if err := waitExit(t, "the second writer", waiterDone, &waiterErr); err != nil {
			t.Fatalf("second writer: %v %s", err, &waiterErr)
		}
		if data, _ := os.ReadFile(file); string(data) != "https://u:keep@keep.example\n" {
			t.Fatalf("file = %q; want both erases applied", data)
		}
	})

	t.Run("a killed writer's lock is stale at once", func(t *testing.T) {
		e := gittest.NewEnv(t)
		file := mkfifo(t, e)
		holder := erase("gone.example", "--file", file)
		holderDone, holderErr := lockedWriter(t, e, file, holder)
		holder.Process.Signal(syscall.SIGKILL)
		waitExit(t, "the killed holder", holderDone, holderErr)
		// The killed writer left its lock; the file itself is as before.
		os.Remove(file)
		if err := os.WriteFile(file, []byte(seed), 0o600); err != nil {
			t.Fatal(err)
		}
		in := "protocol=https\nhost=new.example\nusername=u\npassword=ghp_NEW\n"
		_, stderr, code := runBin(t, e, in, "--file", file, "--lock-timeout", "1h", "store")
		if code != 0 {
			t.Fatalf("store after a killed writer: exit %d %s", code, stderr)
		}
		if data, _ := os.ReadFile(file); string(data) != "https://u:ghp_NEW@new.example\n"+seed {
			t.Fatalf("file = %q", data)
		}
		if _, err := os.Stat(file + ".lock"); err == nil {
			t.Fatal("the stale lock is still there")
		}
	})

	t.Run("git's credential-store lock keeps the timeout", func(t *testing.T) {
		e := gittest.NewEnv(t)
		file := mkfifo(t, e)
		git := exec.Command("git", "credential-store", "--file", file, "erase")
		git.Stdin = strings.NewReader("protocol=https\nhost=gone.example\n\n")
		gitDone, gitErr := lockedWriter(t, e, file, git)
		_, stderr, code := runBin(t, e, "protocol=https\nhost=other.example\n", "--file", file, "--lock-timeout", "200ms", "erase")
		if code == 0 || !strings.Contains(stderr, "still locked after 200ms by the same writer") || !strings.Contains(stderr, "remove "+file+".lock") {
			t.Fatalf("erase while git holds the lock: exit %d %q; want the timeout's advice", code, stderr)
		}
		feedFIFO(t, file, seed)
		if err := waitExit(t, "git credential-store", gitDone, gitErr); err != nil {
			t.Fatalf("git credential-store: %v %s", err, gitErr)
		}
		if data, _ := os.ReadFile(file); string(data) != "https://u:keep@keep.example\nhttps://u:other@other.example\n" {
			t.Fatalf("file = %q; want git's erase applied and ours not", data)
		}
	})
}

// 100 stores into a 100,000-entry file, 16 at a time, on a busy machine:
// each holds the lock long enough that a descheduled writer used to make
// the others give up after 1 s ("still locked ... by the same writer").
// A live holder is now waited for, so none fails and none is lost.
func TestConcurrentStoresIntoLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 x 4 MB")
	}
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	var b strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, "https://u:seed%d@seed%d.example\n", i, i)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	const n, parallel = 100, 16
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		slots <- struct{}{}
		go func(i int) {
			defer func() { <-slots; wg.Done() }()
			in := fmt.Sprintf("protocol=https\nhost=h%d.example\nusername=u\npassword=tok%d\n", i, i)
			if _, stderr, code := runBin(t, e, in, "--file", file, "store"); code != 0 {
				errs <- stderr
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("store failed: %s", s)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if !strings.Contains(string(data), fmt.Sprintf("\nhttps://u:tok%d@h%d.example\n", i, i)) && !strings.HasPrefix(string(data), fmt.Sprintf("https://u:tok%d@h%d.example\n", i, i)) {
			t.Errorf("h%d.example lost", i)
		}
	}
	if got := strings.Count(string(data), "\n"); got != 100000+n {
		t.Errorf("file has %d lines, want %d", got, 100000+n)
	}
}
