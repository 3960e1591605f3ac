package e2e

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// theRealSecret is what the fake secret managers print for any reference.
const theRealSecret = "ghp_TheRealSecretFromTheManager"

// fakeManagers puts an op and a pass on PATH that record each run in the
// returned file and print theRealSecret.
func fakeManagers(t *testing.T, e *gittest.Env) (ranFile string) {
	t.Helper()
	dir := t.TempDir()
	ranFile = filepath.Join(dir, "ran")
	script := "#!/bin/sh\necho \"$0 $*\" >> '" + ranFile + "'\necho " + theRealSecret + "\n"
	for _, name := range []string{"op", "pass"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.Setenv("PATH", dir+string(os.PathListSeparator)+e.Getenv("PATH"))
	return ranFile
}

// A server makes git store a password that looks like a secret reference
// (it accepts it once, from the URL), then answers 401. The helper must
// hand the string back as it is: no secret manager runs, the secret never
// reaches the server, and git's erase after the 401 removes the entry.
func TestReferenceFromGitIsNeverResolved(t *testing.T) {
	tests := []struct {
		name, planted string
		flags         []string // beyond --file
	}{
		{"op", "op://Private/GitHub/token", nil},
		{"ref: with --resolver", "ref:github/token", []string{"--resolver", "pass show"}},
		{"--resolver-schemes", "vault://secret/data/github", []string{"--resolver", "pass show", "--resolver-schemes", "vault"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			ran := fakeManagers(t, e)
			srv := gittest.StartServer(t)
			srv.Use(e)
			repo := srv.NewRepo(t, "r")
			file := filepath.Join(e.Home, "creds")
			flags := append([]string{"--file", file}, tc.flags...)

			// 1. The server accepts the reference-looking password from the
			// URL once; git then stores it with the helper.
			srv.AddUser("x", tc.planted)
			u, err := url.Parse(repo)
			if err != nil {
				t.Fatal(err)
			}
			u.User = url.UserPassword("x", tc.planted)
			e.MustGit(t, "", "", append(helperArgs(flags...), "clone", "--quiet", u.String(), filepath.Join(e.Home, "work"))...)
			assertEntries(t, file, 1) // else the test proves nothing
			before := len(srv.Passwords())

			// 2. Now it answers 401: git asks the helper, sends what it
			// gets, is refused, and erases it.
			srv.RemoveUser("x")
			if _, stderr, err := e.Git(t, "", "", append(helperArgs(flags...), "ls-remote", repo)...); err == nil {
				t.Fatalf("ls-remote succeeded with a revoked password: %s", stderr)
			}
			if runs, err := os.ReadFile(ran); err == nil {
				t.Errorf("a secret manager ran for a password git stored:\n%s", runs)
			}
			sent := srv.Passwords()[before:]
			if slices.Contains(sent, theRealSecret) {
				t.Errorf("the secret was sent to the server")
			}
			if !slices.Contains(sent, tc.planted) {
				t.Errorf("the stored string was not handed back as it is; the server saw %q", sent)
			}
			assertEntries(t, file, 0)
		})
	}
}

// login --ref marks a reference: it is resolved for git, git's approve of
// the resolved token does not replace it, and a file rewrite by another
// login keeps the mark. git's own credential-store still reads the file.
func TestLoginRefThroughGit(t *testing.T) {
	e := gittest.NewEnv(t)
	ran := fakeManagers(t, e)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername(theRealSecret)
	repo := srv.NewRepo(t, "project")
	host := strings.TrimPrefix(srv.URL, "https://")
	file := filepath.Join(e.Home, "creds")
	flags := []string{"--file", file}
	const ref = "op://Private/GitHub PAT/token"

	stdout, stderr, code := runBin(t, e, "this must not be read", append(flags, "login", "--ref", ref, "--host", host, "--username", "alice")...)
	if code != 0 || !strings.Contains(stdout, "Stored secret reference "+ref+" for https://alice@"+host+" in store file") {
		t.Fatalf("login --ref: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("login --ref ran the secret manager")
	}
	// Another login for another host rewrites the file.
	if _, stderr, code := runBin(t, e, "tok_OtherHost", append(flags, "login", "--host", "other.example", "--no-verify")...); code != 0 {
		t.Fatalf("login: %s", stderr)
	}

	e.MustGit(t, "", "", append(helperArgs(flags...), "clone", "--quiet", repo, filepath.Join(e.Home, "work"))...)
	if runs, _ := os.ReadFile(ran); !strings.Contains(string(runs), "op read "+ref) {
		t.Fatalf("the marked reference was not resolved: %q", runs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), theRealSecret) {
		t.Fatalf("the resolved token was written to the file:\n%s", data)
	}
	if !strings.Contains(string(data), "ref=1") {
		t.Fatalf("the marked reference is gone:\n%s", data)
	}

	// git's credential-store reads the same file and sees the reference,
	// the meta line being a comment to it; when it rewrites the file (a
	// store for another host) the mark stays.
	gitStore := []string{"-c", "credential.helper=", "-c", "credential.helper=store --file " + file, "credential"}
	out, stderr2, err := e.Git(t, "", "protocol=https\nhost="+host+"\n\n", append(gitStore, "fill")...)
	if err != nil || !strings.Contains(out, "password="+ref+"\n") {
		t.Fatalf("git credential-store fill: %v\n%s%s", err, out, stderr2)
	}
	e.MustGit(t, "", "protocol=https\nhost=third.example\nusername=u\npassword=tok_Third\n\n", append(gitStore, "approve")...)
	if got := credential(t, e, flags, "fill", "protocol=https", "host="+host); !strings.Contains(got, "password="+theRealSecret+"\n") {
		t.Fatalf("after git's credential-store rewrote the file: %q", got)
	}
}

// login --ref stores only what has the shape of a reference its resolver
// can run, reads no stdin, and never echoes a token given by mistake.
func TestLoginRefRefusals(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	const token = "ghp_TypedInTheWrongPlace0123456789"
	tests := []struct {
		name  string
		args  []string
		wants string
	}{
		{"a token", []string{"login", "--ref", token, "--host", "example.com"}, "--ref takes a secret reference"},
		{"ref: without --resolver", []string{"login", "--ref", "ref:github/token", "--host", "example.com"}, "no resolver configured"},
		{"unconfigured scheme", []string{"login", "--ref", "vault://secret/gh", "--host", "example.com"}, "--resolver-schemes"},
		{"a token in --host", []string{"login", "--ref", "op://v/i/f", "--host", "https://u:" + token + "@example.com"}, "must not contain a password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runBin(t, e, "", append([]string{"--file", file}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.wants) || strings.Contains(stderr, token) {
				t.Fatalf("exit %d, stderr %q; want a refusal with %q that does not repeat the token", code, stderr, tc.wants)
			}
			if _, err := os.Stat(file); err == nil {
				t.Fatal("something was stored")
			}
		})
	}
}

// doctor lists a reference-looking password that git stored. Its fix
// removes it (a server can plant one; marking a planted reference would send
// the secret it names to that server); the login --ref command that marks
// it is in the message, with that warning, and works when run.
func TestDoctorListsUnmarkedReferences(t *testing.T) {
	e := gittest.NewEnv(t)
	fakeManagers(t, e)
	e.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+e.Getenv("PATH"))
	const ref = "op://Private/GitHub PAT/token"
	credential(t, e, nil, "approve", "protocol=https", "host=git.example.com", "username=alice", "password="+ref)

	_, checks := doctorJSON(t, e, e.Home)
	var found []map[string]string
	for _, c := range checks {
		if c["check"] == "references" {
			found = append(found, c)
		}
	}
	mark := "git-credential-pat login --ref 'op://Private/GitHub PAT/token' --host git.example.com --username alice"
	if len(found) != 1 || found[0]["fix"] != "git-credential-pat logout --host git.example.com --username alice" ||
		!strings.Contains(found[0]["message"], "Only if you made this reference for git.example.com yourself") ||
		!strings.HasSuffix(found[0]["message"], mark) {
		t.Fatalf("references checks %q; want the logout fix and %q in the message", found, mark)
	}
	if got := credential(t, e, nil, "fill", "protocol=https", "host=git.example.com"); !strings.Contains(got, "password="+ref+"\n") {
		t.Fatalf("before marking: %q", got)
	}

	cmd := exec.Command("sh", "-c", mark)
	cmd.Env, cmd.Dir = e.Vars, e.Home
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%q: %v\n%s", mark, err, out)
	}
	_, checks = doctorJSON(t, e, e.Home)
	for _, c := range checks {
		if c["check"] == "references" {
			t.Fatalf("still listed after the fix: %v", c)
		}
	}
	if got := credential(t, e, nil, "fill", "protocol=https", "host=git.example.com"); !strings.Contains(got, "password="+theRealSecret+"\n") {
		t.Fatalf("after marking: %q", got)
	}
}
