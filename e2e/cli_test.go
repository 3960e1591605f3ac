package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// setup writes exactly an empty reset line plus ours, is idempotent, and
// unconfigure takes back exactly that.
func TestSetupAndUnconfigure(t *testing.T) {
	e := gittest.NewEnv(t)
	gitconfig := filepath.Join(e.Home, ".gitconfig")
	e.MustGit(t, "", "", "config", "--global", "credential.helper", "store")
	e.MustGit(t, "", "", "config", "--global", "user.name", "Someone")
	before, _ := os.ReadFile(gitconfig)

	helpers := func() string {
		out, _, _ := e.Git(t, "", "", "config", "--global", "--get-all", "credential.helper")
		return out
	}
	for i := 0; i < 2; i++ {
		if _, stderr, code := runBin(t, e, "", "setup"); code != 0 {
			t.Fatalf("setup: %s", stderr)
		}
		if got, want := helpers(), "store\n\n"+bin+"\n"; got != want {
			t.Fatalf("after setup #%d helpers = %q, want %q", i+1, got, want)
		}
	}
	// Changing the store replaces our line rather than adding a second one.
	if _, stderr, code := runBin(t, e, "", "--store", "file", "setup"); code != 0 {
		t.Fatalf("setup --store: %s", stderr)
	}
	if got, want := helpers(), "store\n\n"+bin+" --store file\n"; got != want {
		t.Fatalf("after setup --store helpers = %q, want %q", got, want)
	}
	// The helper git now runs is ours: a fill through plain `git credential`.
	credential0 := func(action, in string) string {
		out, stderr, err := e.Git(t, "", in, "credential", action)
		if err != nil {
			t.Fatalf("git credential %s: %v %s", action, err, stderr)
		}
		return out
	}
	credential0("approve", "protocol=https\nhost=example.com\nusername=u\npassword=ghp_x\n\n")
	if out := credential0("fill", "protocol=https\nhost=example.com\n\n"); !strings.Contains(out, "password=ghp_x") {
		t.Fatalf("configured helper did not answer: %q", out)
	}
	if _, err := os.Stat(filepath.Join(e.Home, ".git-credentials")); err == nil {
		t.Fatal("the reset line did not stop git's store helper from running")
	}

	for i := 0; i < 2; i++ {
		if _, stderr, code := runBin(t, e, "", "unconfigure"); code != 0 {
			t.Fatalf("unconfigure: %s", stderr)
		}
	}
	after, _ := os.ReadFile(gitconfig)
	if helpers() != "store\n" || !strings.Contains(string(after), "name = Someone") {
		t.Fatalf("unconfigure left:\n%s\nbefore was:\n%s", after, before)
	}
}

// What git and people see on bad input or unknown commands.
func TestExitCodesAndMessages(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStdout string
		wantErr    string // substring of the one stderr line
	}{
		{"unknown action ignored", []string{"--file", file, "frobnicate"}, "protocol=https\n", 0, "", ""},
		{"a typo without a terminal is an unknown action too", []string{"lgoin"}, "", 0, "", ""},
		// git puts the action last: words after it mean a person or a
		// script, whose piped token must not vanish with exit 0.
		{"a typo with words after it", []string{"lgin", "--host", "example.com"}, "ghp_x\n", 1, "", `unknown command "lgin"; did you mean login?`},
		{"help for no such command", []string{"help", "nosuch"}, "", 1, "", `help: unknown command "nosuch"; run git-credential-pat help to see the commands`},
		{"help for a typo", []string{"help", "rotaet"}, "", 1, "", `help: unknown command "rotaet"; did you mean rotate? (git-credential-pat help rotate)`},
		{"get with nothing stored", []string{"--file", file, "get"}, "protocol=https\nhost=x\n", 0, "", ""},
		{"missing equals", []string{"--file", file, "store"}, "protocol=https\nhost=x\nghp_secret\n", 1, "", "protocol: line 3: no \"=\""},
		{"NUL byte", []string{"--file", file, "store"}, "protocol=https\nhost=x\x00y\n", 1, "", "line 2: contains a NUL byte"},
		{"huge value", []string{"--file", file, "store"}, "protocol=https\nhost=x\npassword=" + strings.Repeat("a", 70000) + "\n", 1, "", "line 3: line longer than"},
		{"store without host", []string{"--file", file, "store"}, "protocol=https\nusername=u\npassword=p\n", 1, "", "protocol and host are required"},
		{"port out of range", []string{"--file", file, "store"}, "protocol=https\nhost=example.com:70000\nusername=u\npassword=p\n", 1, "", `host "example.com:70000" has an invalid port`},
		{"empty stdin", []string{"--file", file, "get"}, "", 0, "", ""},
		{"stdin closed mid-line", []string{"--file", file, "store"}, "protocol=https\nhost=x\nusername=u\npassw", 1, "", `line 4: no "="`},
		{"unknown flag", []string{"--nope", "get"}, "", 1, "", "unknown flag: --nope"},
		{"unknown store", []string{"--store", "nope", "get"}, "protocol=https\nhost=x\n", 1, "", `unknown store "nope": choose one of`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runBin(t, e, tc.stdin, tc.args...)
			if code != tc.wantCode || stdout != tc.wantStdout {
				t.Fatalf("code=%d stdout=%q stderr=%q", code, stdout, stderr)
			}
			if tc.wantErr == "" && stderr != "" || !strings.Contains(stderr, tc.wantErr) {
				t.Fatalf("stderr = %q, want it to contain %q", stderr, tc.wantErr)
			}
			if strings.Count(stderr, "\n") > 1 || strings.Contains(stderr, "secret") {
				t.Fatalf("stderr must be one line without secrets: %q", stderr)
			}
		})
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a failed call wrote the credentials file")
	}
}

// --version and -V print what the version command prints, through the
// lean helper people run (which hands them over) and the full program.
func TestVersionFlag(t *testing.T) {
	e := gittest.NewEnv(t)
	want, stderr, code := runBin(t, e, "", "version")
	if code != 0 || want == "" || stderr != "" {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", code, want, stderr)
	}
	for _, exe := range []string{bin, cliBin()} {
		for _, flag := range []string{"--version", "-V"} {
			tr, err := runExe(e, exe, "", flag)
			if err != nil {
				t.Fatal(err)
			}
			if tr.code != 0 || tr.stdout != want || tr.stderr != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q; want exit 0 and %q", filepath.Base(exe), flag, tr.code, tr.stdout, tr.stderr, want)
			}
		}
	}
}

// help version says what version does and lists no store flags, which it
// does not use (but accepts).
func TestHelpVersionListsNoStoreFlags(t *testing.T) {
	e := gittest.NewEnv(t)
	out, stderr, code := runBin(t, e, "", "help", "version")
	want := "git-credential-pat version: print version, commit and build date (also --version, -V)\n"
	if code != 0 || out != want || stderr != "" {
		t.Fatalf("help version: exit %d, stdout %q, stderr %q; want %q", code, out, stderr, want)
	}
	if _, stderr, code := runBin(t, e, "", "--store", "file", "version"); code != 0 || stderr != "" {
		t.Fatalf("--store file version: exit %d, stderr %q", code, stderr)
	}
}

func TestCapabilityCommand(t *testing.T) {
	e := gittest.NewEnv(t)
	out, stderr, code := runBin(t, e, "", "capability")
	if code != 0 || stderr != "" || out != "version 0\ncapability authtype\ncapability state\n" {
		t.Fatalf("capability: code=%d out=%q err=%q", code, out, stderr)
	}
}

// Through git: a token stored for a host is not handed out for plain http
// unless --allow-http is configured; git shows our one-line reason.
func TestPlainHTTPThroughGit(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	if _, stderr, code := runBin(t, e, "protocol=http\nhost=intranet.example\nusername=u\npassword=ghp_PLAIN\n", "--file", file, "store"); code != 0 {
		t.Fatal(stderr)
	}
	out, stderr, _ := e.Git(t, "", "protocol=http\nhost=intranet.example\n\n", append(helperArgs("--file", file), "credential", "fill")...)
	if strings.Contains(out, "ghp_PLAIN") || !strings.Contains(stderr, "refusing to send the stored token to http://intranet.example") || strings.Contains(stderr, "ghp_PLAIN") {
		t.Fatalf("out=%q stderr=%q", out, stderr)
	}
	out = credential(t, e, []string{"--file", file, "--allow-http"}, "fill", "protocol=http", "host=intranet.example")
	if !strings.Contains(out, "password=ghp_PLAIN") {
		t.Fatalf("--allow-http: %q", out)
	}
}

func TestDebugTraceThroughBinary(t *testing.T) {
	e := gittest.NewEnv(t)
	e.Setenv("GIT_CREDENTIAL_PAT_DEBUG", "1")
	file := filepath.Join(e.Home, "creds")
	runBin(t, e, "protocol=https\nhost=h\nusername=u\npassword=ghp_TRACE\n", "--file", file, "store")
	out, stderr, code := runBin(t, e, "protocol=https\nhost=h\n", "--file", file, "get")
	if code != 0 || !strings.Contains(out, "ghp_TRACE") {
		t.Fatalf("get: %d %q", code, out)
	}
	if !strings.Contains(stderr, "debug: get: response:") || strings.Contains(stderr, "ghp_TRACE") {
		t.Fatalf("trace: %q", stderr)
	}

	// A token in the remote URL reaches the helper as the username; a
	// hand-written protocol value may hold one too. Neither is traced.
	const urlToken = "ghp_URLTOKEN000000000000000000000000TRACE"
	runBin(t, e, "protocol=https\nhost=github.com\nusername="+urlToken+"\npassword=x-oauth-basic\n", "--file", file, "store")
	gitOut, stderr, err := e.Git(t, "", "url=https://"+urlToken+"@github.com/o/r.git\n\n", append(helperArgs("--file", file), "credential", "fill")...)
	if err != nil || !strings.Contains(gitOut, "password=x-oauth-basic") {
		t.Fatalf("git credential fill: %v %q %q", err, gitOut, stderr)
	}
	if !strings.Contains(stderr, "debug: get: response: username=<redacted>") || strings.Contains(stderr, urlToken) {
		t.Fatalf("trace of a token as the username: %q", stderr)
	}
	_, stderr, _ = runBin(t, e, "protocol=https://alice:SECRET7@evil.com/\nhost=h\nusername=alice\npassword=p\n", "--file", file, "store")
	if !strings.Contains(stderr, "debug: store: request: protocol=<redacted>") || strings.Contains(stderr, "SECRET7") {
		t.Fatalf("trace of a URL as the protocol: %q", stderr)
	}
}

// A token that expires within 7 days: get warns on stderr once a day,
// never on stdout; an expired one is not returned at all.
func TestExpiryWarningOnGet(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	soon := time.Now().Add(72 * time.Hour).Unix()
	in := fmt.Sprintf("protocol=https\nhost=github.com\nusername=alice\npassword=github_pat_SOON\npassword_expiry_utc=%d\n", soon)
	runBin(t, e, in, "--file", file, "store")
	runBin(t, e, "protocol=https\nhost=gone.example\nusername=u\npassword=ghp_OLD\npassword_expiry_utc=1000\n", "--file", file, "store")

	out, stderr, code := runBin(t, e, "protocol=https\nhost=github.com\n", "--file", file, "get")
	if code != 0 || !strings.Contains(out, "password=github_pat_SOON") || strings.Contains(out, "warning") {
		t.Fatalf("get: code=%d out=%q", code, out)
	}
	// The same wording list and doctor use (DescribeExpiry rounds to days).
	if !strings.Contains(stderr, "expires in 3 days") || strings.Contains(stderr, "github_pat_SOON") {
		t.Fatalf("warning: %q", stderr)
	}
	if _, stderr, _ = runBin(t, e, "protocol=https\nhost=github.com\n", "--file", file, "get"); stderr != "" {
		t.Fatalf("second get warned again: %q", stderr)
	}
	if out, _, _ := runBin(t, e, "protocol=https\nhost=gone.example\n", "--file", file, "get"); out != "" {
		t.Fatalf("expired token returned: %q", out)
	}
}

// login with an invalid port in --host is refused, naming the fix, before
// the token is read or anything is stored: with --file it was stored for
// a host git never asks about, and with git's helper lines git's own
// "invalid port number" named neither cause nor fix.
func TestLoginRefusesInvalidPort(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	for _, host := range []string{"example.com:notaport", "https://example.com:notaport", "example.com:0", "example.com:65536"} {
		tr := cmdsRun(t, e, e.Home, "some-token-secret\n", "--file", file, "login", "--host", host)
		if tr.code != 1 || tr.stdout != "" || strings.Count(tr.stderr, "\n") != 1 ||
			!strings.Contains(tr.stderr, "has an invalid port (want 1-65535)") ||
			!strings.Contains(tr.stderr, "git-credential-pat login --host example.com:8443") ||
			strings.Contains(tr.stderr, "git config") || strings.Contains(tr.stderr, "secret") {
			t.Errorf("login --host %s: exit %d\n--- stdout\n%s--- stderr\n%s", host, tr.code, tr.stdout, tr.stderr)
		}
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a refused login wrote the credentials file")
	}
}

// What a server or a remote URL chose reaches the helper's stderr, which
// git shows on the terminal, only as printable text: a WWW-Authenticate
// header (wwwauth[]), a username or path from the URL in the debug trace,
// a host in an error. No escape sequence gets through.
func TestHelperStderrShowsNoControlCharacters(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	runBin(t, e, "protocol=http\nhost=*.example.com\nusername=u\npassword=tok\n", "--allow-http", "--file", file, "store")
	const esc = "\x1b]0;pwned\x07\x1b[2J\u202e"
	for _, tc := range []struct {
		name, in string
		debug    bool
	}{
		{"wwwauth in the trace", "protocol=https\nhost=h\nwwwauth[]=Basic realm=\"" + esc + "\"\n", true},
		{"username and path in the trace", "protocol=https\nhost=h\npath=o/" + esc + "\nusername=" + esc + "\n", true},
		{"host in the http refusal", "protocol=http\nhost=" + esc + ".example.com\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.debug {
				e.Setenv("GIT_CREDENTIAL_PAT_DEBUG", "1")
			} else {
				e.Setenv("GIT_CREDENTIAL_PAT_DEBUG", "")
			}
			_, stderr, _ := runBin(t, e, tc.in, "--file", file, "get")
			if stderr == "" {
				t.Fatal("nothing on stderr")
			}
			if strings.ContainsAny(stderr, "\x1b\x07\u202e") {
				t.Fatalf("stderr carries control characters: %q", stderr)
			}
		})
	}
}
