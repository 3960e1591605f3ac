package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// gitArgvLogger puts a git first on PATH that logs its arguments, one run
// per line, and runs the real git; it returns the log's path.
func gitArgvLogger(t *testing.T, e *gittest.Env) string {
	t.Helper()
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "argv.log")
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + log + "'\nexec '" + realGit + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	e.Setenv("PATH", dir+string(os.PathListSeparator)+e.Getenv("PATH"))
	return log
}

// No token configured in a remote URL, a url.insteadOf rule or another
// helper's command line is printed by remotes or doctor, and none goes
// into the argv of the git commands remotes --fix runs.
func TestNoTokenPrintedOrInArgv(t *testing.T) {
	e := gittest.NewEnv(t)
	secrets := map[string]string{
		"remote userinfo":   cmdsToken("ghp_", "RemoteTokenRemoteTokenRemote01"),
		"https userinfo":    cmdsToken("ghp_", "HttpsTokenHttpsTokenHttpsTok02"),
		"insteadOf base":    "glpat-" + strings.Repeat("B", 22),
		"helper before":     "HelperBeforeSecret0123456789",
		"helper after":      cmdsToken("ghp_", "HelperAfterHelperAfterHelper03"),
		"url helper scoped": "ScopedUrlHelperSecret987654",
	}
	dir := cmdsRepo(t, e,
		"origin", "http://ci:"+secrets["remote userinfo"]+"@github.com/o/r.git",
		"ci", "https://"+secrets["https userinfo"]+"@github.com/o/other.git",
		"gl", "https://gitlab.example.com/g/p.git")
	e.MustGit(t, dir, "", "remote", "set-url", "--add", "origin", "https://mirror.example.org/o/r.git")
	e.MustGit(t, "", "", "config", "--global", "url.https://oauth2:"+secrets["insteadOf base"]+"@gitlab.example.com/.insteadOf", "https://gitlab.example.com/")
	file := filepath.Join(e.Home, "creds")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "!f(){ echo username=x; echo password="+secrets["helper before"]+"; }; f")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", bin+" --file "+file)
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "!echo password="+secrets["helper after"])
	e.MustGit(t, "", "", "config", "--global", "credential.https://bob:"+secrets["url helper scoped"]+"@example.net.helper", "store")

	check := func(what, out string) {
		t.Helper()
		for name, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s shows the %s token:\n%s", what, name, out)
			}
		}
	}
	store := []string{"--file", file}
	tr := cmdsRun(t, e, dir, "", append(store, "remotes")...)
	if tr.code != 0 || !strings.Contains(tr.stdout, "http://github.com/o/r.git") || !strings.Contains(tr.stdout, "git uses https://gitlab.example.com/g/p.git") {
		t.Errorf("remotes: %+v", tr)
	}
	check("remotes", tr.stdout+tr.stderr)
	for _, args := range [][]string{{"doctor"}, {"doctor", "--json"}} {
		tr := cmdsRun(t, e, dir, "", append(store, args...)...)
		if !strings.Contains(tr.stdout, "echo password=****") {
			t.Errorf("%s does not show the helpers, masked: %s", args, tr.stdout)
		}
		check(strings.Join(args, " "), tr.stdout+tr.stderr)
	}

	// login's warnings about the repository's remotes.
	tr = cmdsRun(t, e, dir, cmdsToken("ghp_", "LoginTokenLoginTokenLoginTok04"), append(store, "login")...)
	if tr.code != 0 || !strings.Contains(tr.stderr, "(http://github.com/o/r.git)") {
		t.Errorf("login in the repository: %+v", tr)
	}
	check("login", tr.stdout+tr.stderr)

	log := gitArgvLogger(t, e)
	tr = cmdsRun(t, e, dir, "", append(store, "remotes", "--fix")...)
	if tr.code != 0 {
		t.Fatalf("remotes --fix: %+v", tr)
	}
	check("remotes --fix", tr.stdout+tr.stderr)
	argv, err := os.ReadFile(log)
	if err != nil || !strings.Contains(string(argv), "remote set-url origin https://github.com/o/r.git") {
		t.Fatalf("remotes --fix did not run git remote set-url (%v): %s", err, argv)
	}
	check("the argv of git run by remotes --fix", string(argv))
	if got := e.MustGit(t, dir, "", "config", "--get-all", "remote.origin.url"); got != "https://github.com/o/r.git\nhttps://mirror.example.org/o/r.git\n" {
		t.Errorf("remote.origin.url after --fix = %q", got)
	}
}

// A username and path that came through git's store (a server chose them:
// they are in the URL it redirects to, or one a page told the user to
// clone) are shown by list and doctor without their control characters,
// so they cannot clear the screen, recolour it or retitle the window.
func TestCommandsPrintStoredFieldsSafely(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	// A password that looks like a secret reference makes doctor suggest
	// a logout command that names the username.
	in := "protocol=https\nhost=git.example.com\npath=r\x1b]0;PWNED\x07.git\nusername=x\x1b[2J\x1b[31mHACKED\x1b[0m\npassword=op://vault/item/field\n"
	if _, stderr, code := runBin(t, e, in, "--file", file, "store"); code != 0 {
		t.Fatalf("store: %d %s", code, stderr)
	}
	for _, args := range [][]string{{"list", "--file", file}, {"doctor", "--file", file}} {
		tr := cmdsRun(t, e, e.Home, "", args...)
		if strings.ContainsAny(tr.stdout+tr.stderr, "\x1b\x07") {
			t.Errorf("%s prints control characters: %q", args[0], tr.stdout+tr.stderr)
		}
		if !strings.Contains(tr.stdout, "x?[2J?[31mHACKED?[0m") {
			t.Errorf("%s does not show the username, made printable: %q", args[0], tr.stdout)
		}
		// An entry for one path answers git's requests without a path,
		// for any repository of the host (as git credential-store's do).
		if args[0] == "doctor" && !strings.Contains(tr.stdout, "so without one it is the answer for every repository on git.example.com") {
			t.Errorf("doctor does not say the path-scoped token answers every repository: %q", tr.stdout)
		}
	}
	out := e.MustGit(t, e.Home, "url=https://git.example.com/other/repo.git\n\n", append(helperArgs("--file", file), "credential", "fill")...)
	if !strings.Contains(out, "password=op://vault/item/field\n") {
		t.Fatalf("git credential fill for another repository of the host = %q; doctor's warning says it gets this token", out)
	}
}
