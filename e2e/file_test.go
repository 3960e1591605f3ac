package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// git credential approve/fill/reject drive the helper exactly as git does.
func TestGitCredentialTranscripts(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--file", file}

	credential(t, e, flags, "approve", "protocol=https", "host=example.com", "username=alice", "password=ghp_token1")
	credential(t, e, flags, "approve", "protocol=https", "host=example.com", "username=bob", "password=ghp_token2")

	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"most recent user", []string{"protocol=https", "host=example.com"},
			"protocol=https\nhost=example.com\nusername=bob\npassword=ghp_token2\n"},
		{"named user", []string{"protocol=https", "host=example.com", "username=alice"},
			"protocol=https\nhost=example.com\nusername=alice\npassword=ghp_token1\n"},
		{"url attribute", []string{"url=https://alice@example.com/org/repo.git"},
			"protocol=https\nhost=example.com\nusername=alice\npassword=ghp_token1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := credential(t, e, flags, "fill", tc.in...); got != tc.want {
				t.Errorf("fill:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}

	// reject with a different password must not erase (git 2.42 rule) ...
	credential(t, e, flags, "reject", "protocol=https", "host=example.com", "username=alice", "password=wrong")
	if got := credential(t, e, flags, "fill", "protocol=https", "host=example.com", "username=alice"); !strings.Contains(got, "password=ghp_token1") {
		t.Fatalf("reject with another password erased the entry: %q", got)
	}
	// ... and with the right one it does.
	credential(t, e, flags, "reject", "protocol=https", "host=example.com", "username=alice", "password=ghp_token1")
	data, _ := os.ReadFile(file)
	if strings.Contains(string(data), "alice") || !strings.Contains(string(data), "bob") {
		t.Fatalf("after reject the file holds:\n%s", data)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode: %v %v", st.Mode(), err)
	}
}

// Our file and git-credential-store's file are the same format both ways.
func TestGitCredentialStoreInterop(t *testing.T) {
	e := gittest.NewEnv(t)
	ours := filepath.Join(e.Home, "ours")
	// git 2.39 does not pass expiry or refresh tokens to helpers, so store
	// them by calling the helper directly.
	in := "protocol=https\nhost=example.com:8443\nusername=a@b\npassword=p%s w:@\npassword_expiry_utc=4102444800\noauth_refresh_token=r1\n"
	if _, stderr, code := runBin(t, e, in, "--file", ours, "store"); code != 0 {
		t.Fatalf("store: %s", stderr)
	}

	// git's own store reads our file.
	gitStore := []string{"-c", "credential.helper=", "-c", "credential.helper=store --file " + ours}
	out, stderr, err := e.Git(t, "", "protocol=https\nhost=example.com:8443\n\n", append(gitStore, "credential", "fill")...)
	if err != nil || !strings.Contains(out, "username=a@b\npassword=p%s w:@\n") {
		t.Fatalf("git credential-store cannot read our file: %v %s\n%s", err, stderr, out)
	}
	// The extras survive in our store even though git's format cannot hold them.
	got := credential(t, e, []string{"--file", ours}, "fill", "protocol=https", "host=example.com:8443")
	if !strings.Contains(got, "password=p%s w:@") {
		t.Fatalf("fill from our file: %q", got)
	}
	stdout, _, _ := runBin(t, e, "protocol=https\nhost=example.com:8443\n", "--file", ours, "get")
	if !strings.Contains(stdout, "password_expiry_utc=4102444800\noauth_refresh_token=r1\n") {
		t.Fatalf("extras lost: %q", stdout)
	}

	// We read a file git's own store wrote, e.g. ~/.git-credentials.
	theirs := filepath.Join(e.Home, ".git-credentials")
	gitStore = []string{"-c", "credential.helper=", "-c", "credential.helper=store"}
	if _, stderr, err := e.Git(t, "", "protocol=https\nhost=git.example\nusername=u s\npassword=t@k/en\n\n", append(gitStore, "credential", "approve")...); err != nil {
		t.Fatalf("git credential-store approve: %v %s", err, stderr)
	}
	got = credential(t, e, []string{"--file", theirs}, "fill", "protocol=https", "host=git.example")
	if !strings.Contains(got, "username=u s\npassword=t@k/en\n") {
		t.Fatalf("we cannot read git's file: %q", got)
	}
}

// 100 processes storing different hosts at once leave all 100 entries,
// with the default 1 s lock timeout (it only runs out on a stuck lock).
func TestConcurrentStores(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
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
	for i := 0; i < n; i++ {
		out, _, _ := runBin(t, e, fmt.Sprintf("protocol=https\nhost=h%d.example\n", i), "--file", file, "get")
		if want := fmt.Sprintf("password=tok%d\n", i); !strings.Contains(out, want) {
			t.Errorf("host h%d lost: %q", i, out)
		}
	}
}

// Lines we cannot parse are kept through every rewrite.
func TestUnparsableLinesKept(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	junk := "this is not a url\n\nhttps://nopassword@example.com\nhttps://u:%0Aevil@example.org\n"
	if err := os.WriteFile(file, []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	credential(t, e, []string{"--file", file}, "approve", "protocol=https", "host=example.com", "username=u", "password=p")
	credential(t, e, []string{"--file", file}, "reject", "protocol=https", "host=example.com", "username=u", "password=p")
	data, _ := os.ReadFile(file)
	if string(data) != junk {
		t.Fatalf("file after approve+reject:\n%q\nwant:\n%q", data, junk)
	}
}

// Two entries for one key (written by hand, or by another tool): storing
// the second one's token must leave only it, as git credential-store
// does, since git's get answers with the first. login said "Already
// stored" and changed nothing; rotate could not tell them apart.
func TestStoreOverDuplicateEntries(t *testing.T) {
	const oldTok, newTok = "OLDTOKENAAAAAAAAAA", "NEWTOKENBBBBBBBBBB"
	get := func(t *testing.T, e *gittest.Env, file string) string {
		out, _, _ := runBin(t, e, "protocol=https\nhost=d.example\n\n", "--file", file, "get")
		return out
	}
	for _, how := range []string{"git's store", "login", "rotate"} {
		t.Run(how, func(t *testing.T) {
			e := gittest.NewEnv(t)
			file := filepath.Join(e.Home, "creds")
			if err := os.WriteFile(file, []byte("https://u:"+oldTok+"@d.example\nhttps://u:"+newTok+"@d.example\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			var tr transcript
			switch how {
			case "git's store":
				_, stderr, code := runBin(t, e, "protocol=https\nhost=d.example\nusername=u\npassword="+newTok+"\n", "--file", file, "store")
				tr.code, tr.stderr = code, stderr
			case "login":
				tr = cmdsRun(t, e, e.Home, newTok, "login", "--file", file, "--host", "d.example", "--username", "u", "--no-verify")
				if !strings.Contains(tr.stdout, "Replaced") {
					t.Errorf("login says %q; want Replaced", tr.stdout)
				}
			case "rotate":
				tr = cmdsRun(t, e, e.Home, newTok, "rotate", "--file", file, "--host", "d.example", "--no-verify")
			}
			if tr.code != 0 {
				t.Fatalf("%s: %+v", how, tr)
			}
			if out := get(t, e, file); !strings.Contains(out, "password="+newTok+"\n") {
				t.Fatalf("get after %s = %q; want the new token", how, out)
			}
			assertEntries(t, file, 1)
		})
	}
}
