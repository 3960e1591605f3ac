package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/usr/bin/git-credential-pat --store file", []string{"/usr/bin/git-credential-pat", "--store", "file"}},
		{`'/home/a b/git-credential-pat' --file '/x/it'\''s'`, []string{"/home/a b/git-credential-pat", "--file", "/x/it's"}},
		{`git-credential-pat --file "/tmp/a \"b\""`, []string{"git-credential-pat", "--file", `/tmp/a "b"`}},
		{`a\ b  c`, []string{"a b", "c"}},
		{"", nil},
		{"''", []string{""}},
	}
	for _, tc := range tests {
		if got := splitWords(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// git runs a helper line through the shell, so ~ and $NAME in it name
// what the shell makes of them: splitWords must agree with /bin/sh on
// every form it expands (and on the ones it leaves alone).
func TestSplitWordsExpandsAsTheShell(t *testing.T) {
	t.Setenv("HOME", "/home/pat user")
	t.Setenv("PAT_DIR", "/srv/pat")
	t.Setenv("PAT_EMPTY", "")
	for _, in := range []string{
		`pat --file ~/creds`,
		`pat --file ~`,
		`pat --file $HOME/creds`,
		`pat --file "$HOME/creds"`,
		`pat --file ${PAT_DIR}/creds`,
		`pat --file "${PAT_DIR}"/x`,
		`pat --file '$HOME/creds'`,
		`pat --file "~/creds"`,
		`pat --file a~/x`,
		`pat --file \$HOME`,
		`pat --file "\$HOME"`,
		`pat --file $PAT_DIR$PAT_DIR`,
		`pat --file x$PAT_EMPTY`,
		`pat --file $`,
		`pat --file "a$"`,
		`pat --file $1x`,
		`pat --file ${PAT_DIR}x`,
	} {
		cmd := exec.Command("/bin/sh", "-c", `printf '%s\0' `+in)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh %s: %v", in, err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if got := splitWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitWords(%s) = %q; sh gives %q", in, got, want)
		}
	}
}

func TestEffectiveHelpers(t *testing.T) {
	h := func(scope, url, v string) helperSetting { return helperSetting{Scope: scope, URL: url, Value: v} }
	all := []helperSetting{
		h("system", "", "osxkeychain"),
		h("global", "", ""),
		h("global", "", "store"),
		h("global", "https://dev.azure.com", "manager"),
		h("global", "", "/bin/git-credential-pat"),
		h("local", "", "cache"),
	}
	eff, reset := effectiveHelpers(all)
	var vals []string
	for _, e := range eff {
		vals = append(vals, e.Value)
	}
	if want := []string{"store", "/bin/git-credential-pat", "cache"}; !reflect.DeepEqual(vals, want) {
		t.Fatalf("effective = %q, want %q", vals, want)
	}
	if reset == nil || reset.Scope != "global" {
		t.Fatalf("last reset = %+v", reset)
	}
}

func TestSameStore(t *testing.T) {
	tests := []struct {
		helper string
		ours   []string
		same   bool
		theirs string
	}{
		{"/bin/git-credential-pat", nil, true, "--store file"},
		{"/bin/git-credential-pat --store file", nil, true, "--store file"},
		{"/bin/git-credential-pat --store keychain", nil, false, "--store keychain"},
		{"/bin/git-credential-pat --store=keychain", []string{"--store", "keychain"}, true, "--store keychain"},
		{"/bin/git-credential-pat --file /x", []string{"--file", "/y"}, false, "--store file --file /x"},
		{"!git-credential-pat --store cache --socket /s", []string{"--store", "cache", "--socket", "/s", "--lock-timeout", "2s"}, true, "--store cache --socket /s"},
		// The store's identity: another resolver gives other answers.
		{"/bin/git-credential-pat --resolver 'pass show'", nil, false, "--store file --resolver 'pass show'"},
		{"/bin/git-credential-pat --cache-for=1h", []string{"--store", "file"}, true, "--store file --cache-for 1h"},
	}
	for _, tc := range tests {
		same, theirs := sameStore(tc.helper, tc.ours)
		if same != tc.same || theirs != tc.theirs {
			t.Errorf("sameStore(%q, %q) = %v, %q; want %v, %q", tc.helper, tc.ours, same, theirs, tc.same, tc.theirs)
		}
	}
}

func TestCurrentOursAndHostURL(t *testing.T) {
	ours := []struct {
		vals []string
		want string
	}{
		{nil, ""},
		{[]string{"", "store"}, ""},
		{[]string{"", "/bin/git-credential-pat --store keychain"}, "/bin/git-credential-pat --store keychain"},
		// git runs the line after the last reset, not the first one written.
		{[]string{"/bin/git-credential-pat --store file", "", "/bin/git-credential-pat --store keychain"}, "/bin/git-credential-pat --store keychain"},
		{[]string{"", "store", "pat --store cache", "/bin/git-credential-pat"}, "pat --store cache"},
		// Reset after ours: git runs none of them; the last one is kept.
		{[]string{"/bin/git-credential-pat --file /x", ""}, "/bin/git-credential-pat --file /x"},
	}
	for _, tc := range ours {
		if got := currentOurs(tc.vals); got != tc.want {
			t.Errorf("currentOurs(%q) = %q, want %q", tc.vals, got, tc.want)
		}
	}
	urls := []struct{ protocol, host, path, want string }{
		{"https", "github.com", "", "https://github.com"},
		{"", "github.com", "/acme/", "https://github.com/acme"},
		{"http", "127.0.0.1:8080", "a/b.git", "http://127.0.0.1:8080/a/b.git"},
		{"https", "", "x", ""},
		{"https", "https://git.example.com/x", "", "https://git.example.com/x"},
	}
	for _, tc := range urls {
		if got := HostURL(tc.protocol, tc.host, tc.path); got != tc.want {
			t.Errorf("HostURL(%q, %q, %q) = %q, want %q", tc.protocol, tc.host, tc.path, got, tc.want)
		}
	}
	for _, line := range []string{
		`!'/a b/git-credential-pat' --store keychain --cache-for 1h`,
		`pat --store keychain --cache-for 1h`,
		`!git credential-pat --store keychain --cache-for 1h`, // git's long form of "pat"
		`!/usr/bin/git credential-pat --store keychain --cache-for 1h`,
	} {
		if got := HelperArgs(line); !reflect.DeepEqual(got, []string{"--store", "keychain", "--cache-for", "1h"}) {
			t.Errorf("HelperArgs(%s) = %q", line, got)
		}
		if !IsOurHelper(line) {
			t.Errorf("IsOurHelper(%s) = false", line)
		}
	}
	for _, line := range []string{`pat-cli --store file`, `/usr/local/bin/git-credential-pat-cli`, "pat\t--file /x", `'pat' --file /x`} {
		if !IsOurHelper(line) {
			t.Errorf("IsOurHelper(%s) = false", line)
		}
	}
	// git runs a value without "!" that is not an absolute path as "git
	// credential-VALUE": none of these runs us.
	for _, line := range []string{`!git credential-store --file x`, `!git credential pat`, `store`, `!git`, `git credential-pat --store file`,
		`git-credential-pat --file /x`, `bin/git-credential-pat`, `'/a b/git-credential-pat'`, `patx`} {
		if IsOurHelper(line) {
			t.Errorf("IsOurHelper(%s) = true", line)
		}
	}
}

// Only lines that use a cache daemon name one with --socket: the agent
// store's --socket is the agent's. WritableHelpers drops lines of
// read-only stores alone.
func TestCacheSocketAndWritableHelpers(t *testing.T) {
	for _, tc := range []struct {
		line     string
		socket   string
		cache    bool
		readOnly bool
	}{
		{"pat --store cache --socket /s", "/s", true, false},
		{"pat --store file,cache --socket /s", "/s", true, false},
		{"pat --store keychain --cache-for 1h --socket /s", "/s", true, false},
		{"pat --store agent --socket /a", "/a", false, true},
		{"pat --store agent,env --socket /a", "/a", false, true},
		{"pat --store agent,file --socket /a", "/a", false, false},
		{"pat --file /f", "", false, false},
	} {
		sock, cache := cacheSocket(ourHelperArgs(tc.line))
		if sock != tc.socket || cache != tc.cache {
			t.Errorf("cacheSocket(%q) = %q, %v; want %q, %v", tc.line, sock, cache, tc.socket, tc.cache)
		}
		w, skipped := WritableHelpers([]helperSetting{{Value: tc.line}})
		if got := skipped == 1 && len(w) == 0; got != tc.readOnly {
			t.Errorf("WritableHelpers(%q): %d kept, %d skipped; read-only want %v", tc.line, len(w), skipped, tc.readOnly)
		}
	}
}

// --host may carry the user a remote names (alice@example.com, as in
// https://alice@example.com/o/r): git sends it as the username, so it must
// not become part of the stored host.
func TestLoginTargetUserInHost(t *testing.T) {
	for _, tc := range []struct {
		host, username, protocol string
		wantHost, wantUser       string
		wantErr                  string
	}{
		{"example.com", "", "https", "example.com", DefaultUsername, ""},
		{"alice@example.com", "", "https", "example.com", "alice", ""},
		{"alice@example.com:8443", "", "https", "example.com:8443", "alice", ""},
		{"alice@example.com", "bob", "https", "example.com", "bob", ""},
		{"https://alice@example.com", "", "", "example.com", "alice", ""},
		{"alice:secret@example.com", "", "https", "", "", "must not contain a password"},
		{"a@b@example.com", "", "https", "", "", "is not a host name"}, // git splits at the first @
		// "?" and "#" end a URL's host: the API check and the file's line
		// would take evil.example for the host, and the token with it.
		{"evil.example?myorg.visualstudio.com", "", "https", "", "", "is not a host name"},
		{"evil.example#acme.ghe.com", "", "https", "", "", "is not a host name"},
		{"https://evil.example%23myorg.visualstudio.com", "", "", "", "", "is not a host name"},
		{`evil.example\x.ghe.com`, "", "https", "", "", "is not a host name"},
	} {
		c, err := loginTarget("login", LoginOptions{Host: tc.host, Username: tc.username, Protocol: tc.protocol})
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("loginTarget(--host %s) = %+v, %v; want error %q", tc.host, c.Redacted(), err, tc.wantErr)
			}
		case err != nil || c.Host != tc.wantHost || c.Username != tc.wantUser:
			t.Errorf("loginTarget(--host %s --username %q) = host %q user %q, %v; want %q, %q", tc.host, tc.username, c.Host, c.Username, err, tc.wantHost, tc.wantUser)
		}
	}
}

func TestUserURL(t *testing.T) {
	for _, tc := range []struct{ protocol, user, host, path, want string }{
		{"https", "", "example.com", "", "https://example.com"},
		{"https", "alice", "example.com", "org", "https://alice@example.com/org"},
		{"http", "a@b.c", "localhost:8080", "", "http://a%40b.c@localhost:8080"},
		{"https", "alice", "", "", ""},
		{"https", "alice", "https://example.com/x", "", "https://example.com/x"},
	} {
		if got := UserURL(tc.protocol, tc.user, tc.host, tc.path); got != tc.want {
			t.Errorf("UserURL(%q, %q, %q, %q) = %q, want %q", tc.protocol, tc.user, tc.host, tc.path, got, tc.want)
		}
	}
}

// The suggested commands of "!git credential-pat ..." lines name the
// flags only, and doctor finds the program git runs for them.
func TestGitCredentialPatLineDescribed(t *testing.T) {
	same, theirs := sameStore(`!git credential-pat --store file --file /x/creds`, []string{"--store", "cache"})
	if same || theirs != "--store file --file /x/creds" {
		t.Errorf("sameStore = %v, %q", same, theirs)
	}
}

// git runs "!git credential-pat ..." through its dispatcher, which finds
// git-credential-pat as for "pat": doctor's binary check must look there,
// not at git itself.
func TestHelperExecutableGitCredentialPat(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "git-credential-pat")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, line := range []string{"pat --store file", "!git credential-pat --store file"} {
		got, err := helperExecutable(context.Background(), line)
		if err != nil || got != prog {
			t.Errorf("helperExecutable(%s) = %q, %v; want %q", line, got, err, prog)
		}
	}
}

// LineArgs makes relative --file and --socket values absolute from the
// directory git runs the helper in, in both flag forms, and leaves every
// other word as the helper's parser reads it.
func TestLineArgsResolvesRelativePaths(t *testing.T) {
	top := filepath.Join(t.TempDir(), "top")
	saved := helperDir
	helperDir = func() (string, error) { return top, nil }
	t.Cleanup(func() { helperDir = saved })
	at := func(p string) string { return filepath.Join(top, p) }
	abs := filepath.Join(t.TempDir(), "creds")
	tests := []struct {
		line string
		want []string
	}{
		{"pat --file creds", []string{"--file", at("creds")}},
		{"pat --file=.git/creds --store file", []string{"--file=" + at(".git/creds"), "--store", "file"}},
		{"pat --store cache --socket run/sock", []string{"--store", "cache", "--socket", at("run/sock")}},
		{"pat --socket=@abstract --file '" + abs + "'", []string{"--socket=@abstract", "--file", abs}},
		{"pat --allow-http --file creds", []string{"--allow-http", "--file", at("creds")}},
		{"pat --resolver --file creds", []string{"--resolver", "--file", "creds"}}, // --file is --resolver's value; creds the action
		{"pat --file", []string{"--file"}},
		{"pat -- --file creds", []string{"--", "--file", "creds"}},
		{"pat --file= get", []string{"--file=", "get"}},
	}
	for _, tc := range tests {
		if got := LineArgs(tc.line); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("LineArgs(%q) = %q; want %q", tc.line, got, tc.want)
		}
	}
}
