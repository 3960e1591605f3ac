package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// cmdsToken returns a well-formed GitHub token (valid CRC32 checksum) built
// from a fake 30-character random part.
func cmdsToken(prefix, random string) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	n := crc32.ChecksumIEEE([]byte(random))
	sum := []byte("000000")
	for i := 5; n > 0; i-- {
		sum[i] = digits[n%62]
		n /= 62
	}
	return prefix + random + string(sum)
}

// transcript is what a person sees from one run.
type transcript struct {
	stdout, stderr string
	code           int
}

// cmdsRun runs the binary in dir with stdin and returns its transcript.
func cmdsRun(t *testing.T, e *gittest.Env, dir, stdin string, args ...string) transcript {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = e.Vars
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var o, s bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &s
	err := cmd.Run()
	tr := transcript{stdout: o.String(), stderr: s.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		tr.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return tr
}

// want compares a transcript with the expected one.
func (tr transcript) want(t *testing.T, stdout, stderr string, code int) {
	t.Helper()
	if tr.stdout != stdout || tr.stderr != stderr || tr.code != code {
		t.Fatalf("got:\n--- stdout\n%s--- stderr\n%s--- exit %d\nwant:\n--- stdout\n%s--- stderr\n%s--- exit %d",
			tr.stdout, tr.stderr, tr.code, stdout, stderr, code)
	}
}

// cmdsRepo makes a repository with the given remotes (name, url pairs).
func cmdsRepo(t *testing.T, e *gittest.Env, remotes ...string) string {
	t.Helper()
	dir := filepath.Join(e.Home, "repo")
	e.MustGit(t, "", "", "init", "--quiet", dir)
	for i := 0; i+1 < len(remotes); i += 2 {
		e.MustGit(t, dir, "", "remote", "add", remotes[i], remotes[i+1])
	}
	return dir
}

const (
	rand1 = "FakeFakeFakeFakeFakeFakeFake01"
	rand2 = "FakeFakeFakeFakeFakeFakeFake02"
)

// gh auth token | git-credential-pat login, then git gets it through fill.
func TestLoginFromPipeThenFill(t *testing.T) {
	e := gittest.NewEnv(t)
	token := cmdsToken("gho_", rand1)
	tr := cmdsRun(t, e, e.Home, token+"\n", "login")
	tr.want(t,
		"Stored GitHub OAuth token gho_****"+token[36:]+" for https://x-access-token@github.com in store file\n",
		"git-credential-pat: warning: git is not configured to use git-credential-pat, so it will not see this token; run: git-credential-pat setup\n",
		0)
	out := credential(t, e, nil, "fill", "url=https://github.com/acme/app.git")
	if out != "protocol=https\nhost=github.com\nusername=x-access-token\npassword="+token+"\n" {
		t.Fatalf("git credential fill = %q", out)
	}

	// With git set up, login has nothing to warn about but the classic token.
	runBin(t, e, "", "setup")
	classic := cmdsToken("ghp_", rand2)
	tr = cmdsRun(t, e, e.Home, classic, "login", "--username", "alice", "--expires", "2099-01-01")
	tr.want(t,
		"Stored GitHub classic personal access token ghp_****"+classic[36:]+" for https://alice@github.com in store file (expires in "+
			fmt.Sprint(int(time.Until(time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)).Round(24*time.Hour).Hours()/24))+" days, 2099-01-01 00:00 UTC)\n",
		"git-credential-pat: note: ghp_ is a classic token with access to all your repositories; fine-grained tokens (github_pat_) can be limited to chosen repositories and permissions: https://github.com/settings/personal-access-tokens/new\n",
		0)
	out = e.MustGit(t, "", "protocol=https\nhost=github.com\nusername=alice\n\n", "credential", "fill")
	if !strings.Contains(out, "password="+classic+"\n") {
		t.Fatalf("fill through the configured helper = %q", out)
	}
}

// Bad input is refused with one line that says why, and nothing is stored.
func TestLoginRefusals(t *testing.T) {
	e := gittest.NewEnv(t)
	token := cmdsToken("ghp_", rand1)
	mutated := token[:12] + "X" + token[13:]
	if mutated == token {
		mutated = token[:12] + "Y" + token[13:]
	}
	tests := []struct {
		name, stdin string
		args        []string
		stderr      string
	}{
		{"checksum", mutated, nil, "git-credential-pat: login: token refused: GitHub classic personal access token has a wrong checksum (its last 6 characters): a character was changed or lost while copying; copy it again; nothing was stored\n"},
		{"token as an argument", "", []string{token}, "git-credential-pat: login takes no arguments: the token is read from a prompt or a pipe, never the command line (if you typed a token there, remove it from your shell history); run: git-credential-pat login\n"},
		{"empty pipe", "", nil, "git-credential-pat: login: no token on stdin; pipe one (gh auth token | git-credential-pat login) or run git-credential-pat login in a terminal to paste it\n"},
		{"GitLab token for GitHub", "glpat-" + strings.Repeat("a", 20), nil, "git-credential-pat: login: token refused: this is a GitLab personal access token (glpat-...), but the host is github.com; use --host with the GitLab host (github.com tokens start with github_pat_ or ghp_); nothing was stored\n"},
		{"past expiry", token, []string{"--expires", "2001-01-01"}, "git-credential-pat: login: --expires \"2001-01-01\" is not in the future; git never uses an expired token, so it is not stored\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmdsRun(t, e, e.Home, tc.stdin, append([]string{"login"}, tc.args...)...).want(t, "", tc.stderr, 1)
		})
	}
	runBin(t, e, "", "setup") // list then reads the store from git config, quietly
	cmdsRun(t, e, e.Home, "", "list").want(t, "No tokens in store file. Add one with: git-credential-pat login\n", "", 0)
}

// A token for a self-hosted forge (unknown format), then clone and push
// through the local HTTPS server with no prompt.
func TestLoginThenPush(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AddUser("robot", "forge-token-0123456789")
	repo := srv.NewRepo(t, "project")
	host := strings.TrimPrefix(srv.URL, "https://")

	tr := cmdsRun(t, e, e.Home, "forge-token-0123456789\n", "login", "--host", host, "--username", "robot")
	if tr.code != 0 || tr.stdout != "Stored token ****6789 for https://robot@"+host+" in store file\n" {
		t.Fatalf("login: %+v", tr)
	}
	work := filepath.Join(e.Home, "work")
	e.MustGit(t, "", "", append(helperArgs(), "clone", repo, work)...)
	e.MustGit(t, work, "", "commit", "--allow-empty", "-m", "via login")
	e.MustGit(t, work, "", append(helperArgs(), "push", "origin", "HEAD:main")...)
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
}

// listJSON returns list --json, parsed.
func listJSON(t *testing.T, e *gittest.Env, flags ...string) []map[string]any {
	t.Helper()
	tr := cmdsRun(t, e, e.Home, "", append(flags, "list", "--json")...)
	var out []map[string]any
	if tr.code != 0 || tr.stderr != "" || json.Unmarshal([]byte(tr.stdout), &out) != nil {
		t.Fatalf("list --json: %+v", tr)
	}
	return out
}

// list masks tokens, --json parses, and --show-token is the only way to
// see one.
func TestListMasksTokens(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup") // commands read the store from git config, quietly
	classic := cmdsToken("ghp_", rand1)
	glpat := "glpat-" + "fakefakefakefake" + "k9Zq"
	cmdsRun(t, e, e.Home, classic, "login", "--expires", "3d")
	cmdsRun(t, e, e.Home, glpat, "login", "--host", "gitlab.com", "--username", "oauth2", "--path", "grp/app.git")

	cmdsRun(t, e, e.Home, "", "list").want(t, ""+
		"HOST        PATH         USERNAME        TOKEN           EXPIRES            STORE\n"+
		"gitlab.com  grp/app.git  oauth2          glpat-****k9Zq  -                  file\n"+
		"github.com  -            x-access-token  ghp_****"+classic[36:]+"    expires in 3 days  file\n", "", 0)

	entries := listJSON(t, e)
	if len(entries) != 2 || entries[1]["token"] != "ghp_****"+classic[36:] || entries[1]["expiry"] != "expires in 3 days" ||
		entries[1]["expired"] != false || entries[0]["path"] != "grp/app.git" || entries[0]["store"] != "file" {
		t.Fatalf("list --json = %v", entries)
	}
	if tr := cmdsRun(t, e, e.Home, "", "list", "--json"); strings.Contains(tr.stdout, classic) || strings.Contains(tr.stdout, glpat) {
		t.Fatal("list --json shows a token")
	}
	if tr := cmdsRun(t, e, e.Home, "", "list", "--show-token"); !strings.Contains(tr.stdout, classic) || !strings.Contains(tr.stdout, glpat) {
		t.Fatalf("list --show-token hides tokens: %s", tr.stdout)
	}
}

// logout removes exactly what matches and says so.
func TestLogoutRemovesExactlyTheMatches(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup") // commands read the store from git config, quietly
	alice, bob := cmdsToken("ghp_", rand1), cmdsToken("ghp_", rand2)
	glpat := "glpat-" + strings.Repeat("f", 16) + "gl42"
	cmdsRun(t, e, e.Home, alice, "login", "--username", "alice")
	cmdsRun(t, e, e.Home, bob, "login", "--username", "bob")
	cmdsRun(t, e, e.Home, glpat, "login", "--host", "gitlab.com")
	// An entry git's own helper wrote, for another host, stays untouched.
	credential(t, e, nil, "approve", "protocol=https", "host=example.org", "username=carol", "password=carols-password")

	cmdsRun(t, e, e.Home, "", "logout").want(t, "",
		"git-credential-pat: logout: 2 tokens match github.com (https://bob@github.com, https://alice@github.com); pick one with --username or --path, or remove them all with --all\n", 1)
	cmdsRun(t, e, e.Home, "", "logout", "--username", "alice").want(t,
		"Removed https://alice@github.com (ghp_****"+alice[36:]+") from store file\n", "", 0)
	var left []string
	for _, en := range listJSON(t, e) {
		left = append(left, fmt.Sprint(en["username"], "@", en["host"]))
	}
	if strings.Join(left, " ") != "carol@example.org oauth2@gitlab.com bob@github.com" {
		t.Fatalf("left after logout --username alice: %v", left)
	}
	cmdsRun(t, e, e.Home, "", "logout", "--username", "alice").want(t,
		"Nothing to remove: no token for github.com, username alice in store file; it holds tokens for example.org, github.com, gitlab.com (see them with git-credential-pat list).\n", "", 0)
	cmdsRun(t, e, e.Home, "", "logout", "--host", "gitlab.com", "--all").want(t,
		"Removed https://oauth2@gitlab.com (glpat-****gl42) from store file\n", "", 0)
	if out := credential(t, e, nil, "fill", "protocol=https", "host=github.com"); !strings.Contains(out, "password="+bob) {
		t.Fatalf("bob's token is gone: %q", out)
	}
	cmdsRun(t, e, e.Home, "", "logout", "--all").want(t, ""+
		"Removed https://carol@example.org (****) from store file\n"+
		"Removed https://bob@github.com (ghp_****"+bob[36:]+") from store file\n", "", 0)
	cmdsRun(t, e, e.Home, "", "list").want(t, "No tokens in store file. Add one with: git-credential-pat login\n", "", 0)
}

// logout of a host-wide token never removes an entry that holds another
// token: the query for it keeps its token, since without one and without a
// path it would match every path of that host and user.
func TestLogoutHostWideKeepsOtherTokens(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	t1, u2 := cmdsToken("ghp_", rand1), cmdsToken("ghp_", rand2)
	lines := "https://x:" + t1 + "@github.com/org\nhttps://x:" + u2 + "@github.com/other\nhttps://x:" + t1 + "@github.com\n"
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runBin(t, e, "", "--store", "file", "--file", file, "logout", "--host", "github.com", "--username", "x", "--path", ""); code != 0 {
		t.Fatalf("logout: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), u2+"@github.com/other") {
		t.Fatalf("logout of the host-wide token removed github.com/other, which holds another token:\n%s", data)
	}
	if strings.Contains(string(data), t1+"@github.com\n") {
		t.Fatalf("the host-wide token is still there:\n%s", data)
	}
}

// logout with no match (often the default host, github.com) names the
// hosts the store does hold, so the retry is obvious.
func TestLogoutNothingToRemoveNamesStoredHosts(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "c d")
	cmdsRun(t, e, e.Home, "", "--file", file, "logout").want(t,
		"Nothing to remove: no token for github.com in store file, which holds none.\n", "", 0)
	cmdsRun(t, e, e.Home, "glpat-"+strings.Repeat("f", 16)+"gl42", "--file", file, "login", "--host", "gitlab.com")
	cmdsRun(t, e, e.Home, "", "--file", file, "logout").want(t,
		"Nothing to remove: no token for github.com in store file; it holds tokens for gitlab.com only: git-credential-pat --file '"+file+"' logout --host gitlab.com.\n", "", 0)
	credential(t, e, []string{"--file", file}, "approve", "protocol=https", "host=example.org", "username=carol", "password=carols-password")
	cmdsRun(t, e, e.Home, "", "--file", file, "logout", "--host", "gitlab.com", "--username", "bob").want(t,
		"Nothing to remove: no token for gitlab.com, username bob in store file; it holds tokens for example.org, gitlab.com (see them with git-credential-pat --file '"+file+"' list).\n", "", 0)
}

// remotes prints the exact set-url commands; --fix runs them, and the
// fixed remote then works over HTTPS with the stored token.
func TestRemotesFix(t *testing.T) {
	e := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(e)
	srv.AllowAnyUsername("forge-token-abcdef")
	srv.NewRepo(t, "project")
	host := strings.TrimPrefix(srv.URL, "https://")
	hostname := strings.Split(host, ":")[0]
	cmdsRun(t, e, e.Home, "forge-token-abcdef", "login", "--host", host)

	dir := cmdsRepo(t, e,
		"origin", "git@"+hostname+":project.git", // the test server's SSH URL, as a forge would show it
		"gh", "ssh://git@github.com/acme/app.git",
		"mirror", "https://gitlab.com/acme/app.git",
		"other", "git@example.org:x/y.git")
	e.MustGit(t, dir, "", "remote", "set-url", "--push", "mirror", "git@gitlab.com:acme/app.git")

	// git lists remotes by name; remotes prints what is fine first, then
	// what to change.
	want := "" +
		"mirror (fetch): https://gitlab.com/acme/app.git: HTTPS\n" +
		"other (fetch+push): git@example.org:x/y.git: SSH, on a host with no token and no known forge: left alone\n" +
		"gh (fetch+push): ssh://git@github.com/acme/app.git uses SSH, so no token is used for it (no token stored for github.com yet: git-credential-pat login --host github.com); switch it to HTTPS with:\n" +
		"  git remote set-url gh https://github.com/acme/app.git\n" +
		"mirror (push): git@gitlab.com:acme/app.git uses SSH, so no token is used for it (no token stored for gitlab.com yet: git-credential-pat login --host gitlab.com); switch it to HTTPS with:\n" +
		"  git remote set-url --push mirror https://gitlab.com/acme/app.git\n" +
		"origin (fetch+push): git@" + hostname + ":project.git uses SSH, so no token is used for it; switch it to HTTPS with:\n" +
		"  git remote set-url origin https://" + host + "/project.git\n" +
		"Run git-credential-pat remotes --fix to make these changes.\n"
	cmdsRun(t, e, dir, "", "remotes").want(t, want, "", 0)

	tr := cmdsRun(t, e, dir, "", "remotes", "--fix")
	if tr.code != 0 || tr.stderr != "" || !strings.Contains(tr.stdout, "origin (fetch+push): git@"+hostname+":project.git -> https://"+host+"/project.git\n") {
		t.Fatalf("remotes --fix: %+v", tr)
	}
	for remote, url := range map[string]string{"origin": "https://" + host + "/project.git", "gh": "https://github.com/acme/app.git", "other": "git@example.org:x/y.git"} {
		if got := strings.TrimSpace(e.MustGit(t, dir, "", "remote", "get-url", remote)); got != url {
			t.Errorf("remote %s = %s, want %s", remote, got, url)
		}
	}
	if got := strings.TrimSpace(e.MustGit(t, dir, "", "remote", "get-url", "--push", "mirror")); got != "https://gitlab.com/acme/app.git" {
		t.Errorf("mirror push URL = %s", got)
	}
	// The fixed remote works with the token login stored.
	e.MustGit(t, dir, "", append(helperArgs(), "fetch", "origin")...)
	if calls := e.AskpassCalls(); len(calls) != 0 {
		t.Fatalf("git prompted: %q", calls)
	}
	cmdsRun(t, e, dir, "", "remotes").want(t, ""+
		"gh (fetch+push): https://github.com/acme/app.git: HTTPS\n"+
		"mirror (fetch): https://gitlab.com/acme/app.git: HTTPS\n"+
		"mirror (push): https://gitlab.com/acme/app.git: HTTPS\n"+
		"origin (fetch+push): https://"+host+"/project.git: HTTPS\n"+
		"other (fetch+push): git@example.org:x/y.git: SSH, on a host with no token and no known forge: left alone\n", "", 0)

	cmdsRun(t, e, e.Home, "", "remotes").want(t, "",
		"git-credential-pat: remotes: not in a git repository; cd into one and run: git-credential-pat remotes\n", 1)
}

// login notices the current repository's SSH remote for the host.
func TestLoginPointsAtSSHRemote(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup")
	dir := cmdsRepo(t, e, "origin", "git@github.com:acme/app.git")
	token := cmdsToken("gho_", rand1)
	cmdsRun(t, e, dir, token, "login").want(t,
		"Stored GitHub OAuth token gho_****"+token[36:]+" for https://x-access-token@github.com in store file\n",
		"git-credential-pat: warning: remote origin (fetch+push) uses SSH (git@github.com:acme/app.git), so git will not use this token for it; switch it to HTTPS with:\n"+
			"  git remote set-url origin https://github.com/acme/app.git\n", 0)
}

// setup --rewrite-ssh makes git use HTTPS for SSH URLs of the host, also
// those through the forge's other SSH hosts (GitHub's ssh.github.com on
// port 443, Hugging Face's hf.co); unconfigure removes exactly those
// lines. Regression test: remotes through the other SSH hosts stayed SSH.
func TestSetupRewriteSSH(t *testing.T) {
	e := gittest.NewEnv(t)
	e.MustGit(t, "", "", "config", "--global", "url.https://mirror.example/.insteadOf", "https://github.com/other/")
	dir := cmdsRepo(t, e, "origin", "git@github.com:acme/app.git", "lab", "ssh://git@gitlab.com/grp/app.git",
		"gh443", "ssh://git@ssh.github.com:443/acme/app.git", "hf", "git@hf.co:acme/model")

	tr := cmdsRun(t, e, e.Home, "", "setup", "--rewrite-ssh", "--host", "github.com", "--host", "gitlab.com", "--host", "huggingface.co")
	if tr.code != 0 || !strings.Contains(tr.stdout, "git config --global: added url.https://github.com/.insteadOf = git@github.com: (SSH remotes of github.com now use HTTPS)\n") {
		t.Fatalf("setup --rewrite-ssh: %+v", tr)
	}
	tr = cmdsRun(t, e, e.Home, "", "setup", "--rewrite-ssh", "--host", "github.com", "--host", "gitlab.com", "--host", "huggingface.co")
	if tr.code != 0 || strings.Contains(tr.stdout, "added") {
		t.Fatalf("second setup --rewrite-ssh changed something: %+v", tr)
	}
	for remote, want := range map[string]string{"origin": "https://github.com/acme/app.git", "lab": "https://gitlab.com/grp/app.git",
		"gh443": "https://github.com/acme/app.git", "hf": "https://huggingface.co/acme/model"} {
		if got := strings.TrimSpace(e.MustGit(t, dir, "", "remote", "get-url", remote)); got != want {
			t.Errorf("git uses %s for %s, want %s", got, remote, want)
		}
	}
	// Nothing left for remotes to do: git already goes over HTTPS.
	if tr := cmdsRun(t, e, dir, "", "remotes"); strings.Contains(tr.stdout, "set-url") || tr.code != 0 {
		t.Fatalf("remotes after --rewrite-ssh: %+v", tr)
	}
	// github.com and gitlab.com: 2 + 3 for the port-443 host; huggingface.co 2 + 2.
	const added = 14
	if out := e.MustGit(t, "", "", "config", "--global", "--get-regexp", `^url\.`); strings.Count(out, "\n") != 1+added {
		t.Fatalf("url config after setup:\n%s", out)
	}

	tr = cmdsRun(t, e, e.Home, "", "unconfigure")
	if tr.code != 0 || strings.Count(tr.stdout, "removed url.") != added {
		t.Fatalf("unconfigure: %+v", tr)
	}
	if out := e.MustGit(t, "", "", "config", "--global", "--get-regexp", `^url\.`); out != "url.https://mirror.example/.insteadof https://github.com/other/\n" {
		t.Fatalf("unconfigure left:\n%s", out)
	}
	if _, _, err := e.Git(t, "", "", "config", "--global", "--get-all", "credential.helper"); err == nil {
		t.Fatal("unconfigure left a helper line")
	}
}

// doctorJSON runs doctor --json in dir and returns its exit code and checks.
func doctorJSON(t *testing.T, e *gittest.Env, dir string) (int, []map[string]string) {
	t.Helper()
	tr := cmdsRun(t, e, dir, "", "doctor", "--json")
	var report struct {
		OK     bool                `json:"ok"`
		Checks []map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(tr.stdout), &report); err != nil {
		t.Fatalf("doctor --json: %v\n%+v", err, tr)
	}
	if report.OK != (tr.code == 0) {
		t.Fatalf("doctor --json ok=%v but exit %d", report.OK, tr.code)
	}
	return tr.code, report.Checks
}

// doctor in a repository with an SSH remote, a helper that shadows ours
// and an expired token: exit 1, a line for each, and each line's fix works.
func TestDoctor(t *testing.T) {
	e := gittest.NewEnv(t)
	e.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+e.Getenv("PATH"))
	dir := cmdsRepo(t, e, "origin", "git@github.com:acme/app.git")
	e.MustGit(t, "", "", "config", "--global", "credential.helper", "store")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", bin)

	token := cmdsToken("ghp_", rand1)
	cmdsRun(t, e, e.Home, token, "login", "--username", "alice", "--expires", "1s")
	deadline := time.Now().Add(10 * time.Second)
	for listJSON(t, e)[0]["expired"] != true {
		if time.Now().After(deadline) {
			t.Fatal("token did not expire")
		}
		time.Sleep(100 * time.Millisecond)
	}

	tr := cmdsRun(t, e, dir, "", "doctor")
	if tr.code != 1 || tr.stderr != "" {
		t.Fatalf("doctor: %+v", tr)
	}
	lines := strings.Split(strings.TrimSuffix(tr.stdout, "\n"), "\n")
	want := []string{
		"ok    path           git-credential-pat on PATH is " + bin + " (",
		`fail  helpers        credential helper "store" (global, ` + filepath.Join(e.Home, ".gitconfig") + `) runs before git-credential-pat and answers first, with no empty credential.helper line between them to reset it; fix: git-credential-pat setup`,
		"ok    helper-binary  git runs " + bin + " (",
		"ok    store          store file (" + filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials") + ") answers and holds 1 token(s)",
		"fail  tokens         token ghp_****" + token[36:] + " for https://alice@github.com expired ",
		"ok    use-http-path  credential.useHttpPath is not set: one token serves a whole host",
		"warn  ssh-remotes    remote origin (fetch+push) reaches git@github.com:acme/app.git over SSH, so no token is used for it; fix: git remote set-url origin https://github.com/acme/app.git",
		"ok    http-remotes   no plain-http remotes",
	}
	if len(lines) != len(want) {
		t.Fatalf("doctor printed %d lines, want %d:\n%s", len(lines), len(want), tr.stdout)
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d:\n got %s\nwant %s...", i+1, lines[i], want[i])
		}
	}
	if !strings.HasSuffix(lines[4], "; fix: git-credential-pat login --host github.com --username alice") {
		t.Errorf("expired token line has no login fix: %s", lines[4])
	}

	// Run every fix doctor suggests (the login one with a new token on
	// stdin); then doctor passes.
	code, checks := doctorJSON(t, e, dir)
	if code != 1 {
		t.Fatalf("doctor --json exit %d", code)
	}
	for _, c := range checks {
		if c["status"] == "ok" {
			continue
		}
		cmd := exec.Command("sh", "-c", c["fix"])
		cmd.Env, cmd.Dir = e.Vars, dir
		cmd.Stdin = strings.NewReader(cmdsToken("ghp_", rand2))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("fix %q for %q: %v\n%s", c["fix"], c["message"], err, out)
		}
	}
	code, checks = doctorJSON(t, e, dir)
	if code != 0 {
		t.Fatalf("doctor after the fixes: exit %d: %v", code, checks)
	}
	for _, c := range checks {
		if c["status"] != "ok" {
			t.Errorf("still %s after its fix: %s", c["status"], c["message"])
		}
	}
}

// doctor outside a repository with nothing set up fails on the helper
// and says how to fix it; a plain-http remote is reported.
func TestDoctorUnconfigured(t *testing.T) {
	e := gittest.NewEnv(t)
	tr := cmdsRun(t, e, e.Home, "", "doctor")
	if tr.code != 1 ||
		!strings.Contains(tr.stdout, "\nfail  helpers        git does not run git-credential-pat: no credential.helper names it; fix: git-credential-pat setup\n") ||
		!strings.Contains(tr.stdout, "\nwarn  tokens         no tokens stored in store file; fix: git-credential-pat login\n") ||
		!strings.Contains(tr.stdout, "\nok    ssh-remotes    not in a git repository; remotes not checked\n") {
		t.Fatalf("doctor: %+v", tr)
	}
	dir := cmdsRepo(t, e, "origin", "http://git.example.org/acme/app.git")
	tr = cmdsRun(t, e, dir, "", "--store", "file", "doctor")
	if !strings.Contains(tr.stdout, "\nwarn  http-remotes   remote origin (fetch+push) uses plain http (http://git.example.org/acme/app.git): a token would travel unencrypted, so git-credential-pat does not send one; fix: git remote set-url origin https://git.example.org/acme/app.git\n") {
		t.Fatalf("doctor with an http remote: %+v", tr)
	}
	if !strings.Contains(tr.stdout, "fix: git-credential-pat --store file setup\n") {
		t.Fatalf("fix does not carry the --store flag: %s", tr.stdout)
	}

	// Our helper twice: the first runs; the second is a warning, not a shadow.
	e.MustGit(t, "", "", "config", "--global", "credential.helper", bin)
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "store")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", bin+" --store file")
	tr = cmdsRun(t, e, dir, "", "doctor")
	if !strings.Contains(tr.stdout, "\nwarn  helpers        git-credential-pat is configured more than once: \""+bin+" --store file\" (global, ") ||
		!strings.Contains(tr.stdout, "\nok    helpers        git runs git-credential-pat first (global, "+filepath.Join(e.Home, ".gitconfig")+")\n") ||
		!strings.Contains(tr.stdout, "\nwarn  helpers        credential helper \"store\" (global, "+filepath.Join(e.Home, ".gitconfig")+") runs after git-credential-pat: git hands it every token it uses, and it writes them to ~/.git-credentials in plain text; fix: git config --global --unset-all credential.helper '^store$'\n") ||
		strings.Contains(tr.stdout, "fail  helpers") {
		t.Fatalf("doctor with the helper twice: %+v", tr)
	}
}

// git's approve stores a token into every helper line that applies, and
// its reject erases it from each: logout must remove it from each too, or
// git keeps sending it.
func TestLogoutRemovesFromEveryStoreGitUses(t *testing.T) {
	e := gittest.NewEnv(t)
	wide, scoped := filepath.Join(e.Home, "wide"), filepath.Join(e.Home, "scoped")
	for _, kv := range [][2]string{
		{"credential.helper", helperLine("--file", wide)},
		{"credential.https://example.com.helper", helperLine("--file", scoped)},
	} {
		e.MustGit(t, "", "", "config", "--global", "--add", kv[0], kv[1])
	}
	tok := cmdsToken("ghp_", rand1)
	e.MustGit(t, "", "protocol=https\nhost=example.com\nusername=alice\npassword="+tok+"\n\n", "credential", "approve")
	for _, f := range []string{wide, scoped} {
		if b, err := os.ReadFile(f); err != nil || !strings.Contains(string(b), tok) {
			t.Fatalf("git approve did not store into %s: %q %v", f, b, err)
		}
	}
	tr := cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com")
	if tr.code != 0 || strings.Count(tr.stdout, "Removed https://alice@example.com") != 2 {
		t.Fatalf("logout: %+v", tr)
	}
	if out, _, err := e.Git(t, "", "protocol=https\nhost=example.com\n\n", "credential", "fill"); err == nil || strings.Contains(out, tok) {
		t.Fatalf("git still gets a token after logout: %q %v", out, err)
	}
	cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com").want(t,
		"Nothing to remove: no token for example.com in the stores git uses for it (file:"+wide+", file:"+scoped+").\n",
		"git-credential-pat: note: 2 git-credential-pat helper lines apply to https://example.com; this uses the store of each, as git's approve and reject do\n", 0)

	// An ambiguous selection in any store is refused before any store
	// changes: a half-done logout would leave git one of the tokens.
	bob := cmdsToken("ghp_", rand2)
	for _, in := range []string{
		"protocol=https\nhost=example.com\nusername=alice\npassword=" + tok + "\n\n",
		"protocol=https\nhost=example.com\nusername=bob\npassword=" + bob + "\n\n",
	} {
		e.MustGit(t, "", in, "credential", "approve")
	}
	if err := os.WriteFile(wide, []byte("https://alice:"+tok+"@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tr = cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com")
	if tr.code != 1 || !strings.Contains(tr.stderr, "2 tokens match example.com in store file:"+scoped) || tr.stdout != "" {
		t.Fatalf("ambiguous logout: %+v", tr)
	}
	if b, _ := os.ReadFile(wide); !strings.Contains(string(b), tok) {
		t.Fatalf("the refused logout changed %s: %q", wide, b)
	}
	// --all of every host empties every store git uses.
	tr = cmdsRun(t, e, e.Home, "", "logout", "--all")
	if tr.code != 0 || strings.Count(tr.stdout, "Removed ") != 3 {
		t.Fatalf("logout --all: %+v", tr)
	}
}

// login --owner turns on credential.useHttpPath unless git already sends
// the path, read as git reads it: the last matching setting wins, so a
// URL-scoped true followed by a plain false means no path.
func TestLoginOwnerReadsUseHTTPPathAsGit(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup")
	for _, kv := range [][2]string{
		{"credential.https://example.com.useHttpPath", "true"},
		{"credential.useHttpPath", "false"},
	} {
		e.MustGit(t, "", "", "config", "--global", kv[0], kv[1])
	}
	t1, t2 := cmdsToken("ghp_", rand1), cmdsToken("ghp_", rand2)
	cmdsRun(t, e, e.Home, t1, "login", "--host", "example.com", "--owner", "team1", "--username", "alice", "--no-verify")
	cmdsRun(t, e, e.Home, t2, "login", "--host", "example.com", "--owner", "team2", "--username", "alice", "--no-verify")
	out, stderr, err := e.Git(t, "", "url=https://example.com/team1/repo.git\n\n", "credential", "fill")
	if err != nil || !strings.Contains(out, "password="+t1+"\n") {
		t.Fatalf("git fill for team1 got %q (%v %s); want team1's token", out, err, stderr)
	}
}

// With only a credential.<url>.helper line of ours, doctor and remotes
// look at that line's store and helpers, not at a default store git never
// uses for the host (doctor used to fail: "git does not run
// git-credential-pat").
func TestDoctorAndRemotesSeeURLScopedHelper(t *testing.T) {
	e := gittest.NewEnv(t)
	scoped := filepath.Join(e.Home, "scoped")
	e.MustGit(t, "", "", "config", "--global", "credential.https://gitlab.example.com.helper", helperLine("--file", scoped))
	doctor := func() map[string][]string {
		t.Helper()
		_, checks := doctorJSON(t, e, e.Home)
		got := map[string][]string{}
		for _, c := range checks {
			got[c["check"]] = append(got[c["check"]], c["status"]+": "+c["message"])
		}
		return got
	}
	for _, step := range []string{"empty store", "a token"} {
		if step == "a token" {
			cmdsRun(t, e, e.Home, "glpat-"+strings.Repeat("d", 16)+"dr01", "login", "--host", "gitlab.example.com", "--username", "alice", "--no-verify")
		}
		got := doctor()
		if h := strings.Join(got["helpers"], "\n"); !strings.HasPrefix(h, "ok: git runs git-credential-pat first") || !strings.Contains(h, "credential.https://gitlab.example.com.helper") {
			t.Errorf("%s: helpers check: %s", step, h)
		}
		if s := strings.Join(got["store"], "\n"); !strings.Contains(s, scoped) {
			t.Errorf("%s: store check: %s", step, s)
		}
	}
	repo := cmdsRepo(t, e, "origin", "git@gitlab.example.com:team/proj.git")
	if tr := cmdsRun(t, e, repo, "", "remotes"); !strings.Contains(tr.stdout, "git remote set-url origin https://gitlab.example.com/team/proj.git") {
		t.Errorf("remotes does not see the token for gitlab.example.com: %+v", tr)
	}
}

// git asks for the username credential.username names, so login without
// --username stores the token under it; under another, git never finds it.
func TestLoginUsesCredentialUsername(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup")
	e.MustGit(t, "", "", "config", "--global", "credential.https://example.com.username", "bob")
	tok := cmdsToken("ghp_", rand1)
	tr := cmdsRun(t, e, e.Home, tok, "login", "--host", "example.com", "--no-verify")
	if tr.code != 0 || !strings.Contains(tr.stdout, "for https://bob@example.com in store file") {
		t.Fatalf("login: %+v", tr)
	}
	out, stderr, err := e.Git(t, "", "protocol=https\nhost=example.com\n\n", "credential", "fill")
	if err != nil || !strings.Contains(out, "username=bob\npassword="+tok+"\n") {
		t.Fatalf("git fill: %q %v %s", out, err, stderr)
	}
	// Another host keeps the default.
	if tr := cmdsRun(t, e, e.Home, cmdsToken("ghp_", rand2), "login", "--host", "other.example", "--no-verify"); !strings.Contains(tr.stdout, "https://x-access-token@other.example") {
		t.Fatalf("login for another host: %+v", tr)
	}
}

// git runs a helper line through the shell: ~ and $HOME in its flags name
// the file git's runs use, and the commands must use that file too.
func TestCommandsExpandHelperLineAsTheShell(t *testing.T) {
	for _, path := range []string{"~/tilde-creds", "$HOME/var-creds", `"${HOME}/braced creds"`} {
		t.Run(path, func(t *testing.T) {
			e := gittest.NewEnv(t)
			e.MustGit(t, "", "", "config", "--global", "credential.helper", "!'"+bin+"' --store file --file "+path)
			tok := cmdsToken("ghp_", rand1)
			e.MustGit(t, "", "protocol=https\nhost=example.com\nusername=alice\npassword="+tok+"\n\n", "credential", "approve")
			cmdsRun(t, e, e.Home, "glpat-"+strings.Repeat("t", 16)+"tl01", "login", "--host", "gitlab.com", "--no-verify")
			file := filepath.Join(e.Home, strings.NewReplacer("~/", "", "$HOME/", "", `"${HOME}/`, "", `"`, "").Replace(path))
			b, err := os.ReadFile(file)
			if err != nil || !strings.Contains(string(b), tok) || !strings.Contains(string(b), "@gitlab.com") {
				t.Fatalf("%s after git approve and login: %q %v", file, b, err)
			}
			if tr := cmdsRun(t, e, e.Home, "", "list"); !strings.Contains(tr.stdout, "example.com") || !strings.Contains(tr.stdout, "gitlab.com") {
				t.Fatalf("list: %+v", tr)
			}
		})
	}
}

// A token stored through a credential.http://...helper line (a loopback
// server) is found by logout --protocol http, in that line's store.
func TestLogoutProtocol(t *testing.T) {
	e := gittest.NewEnv(t)
	scoped := filepath.Join(e.Home, "scoped")
	e.MustGit(t, "", "", "config", "--global", "credential.http://localhost:8080.helper", helperLine("--file", scoped))
	tok := cmdsToken("ghp_", rand1)
	cmdsRun(t, e, e.Home, tok, "login", "--protocol", "http", "--host", "localhost:8080", "--username", "alice", "--no-verify")
	if b, _ := os.ReadFile(scoped); !strings.Contains(string(b), "http://alice:"+tok+"@localhost:8080") {
		t.Fatalf("login did not store through the http line: %q", b)
	}
	cmdsRun(t, e, e.Home, "", "logout", "--protocol", "http", "--host", "localhost:8080").want(t,
		"Removed http://alice@localhost:8080 (ghp_****"+tok[36:]+") from store file\n", "", 0)
	if b, _ := os.ReadFile(scoped); strings.Contains(string(b), tok) {
		t.Fatalf("logout left the token: %q", b)
	}
}

// A credential.https://alice@host.helper line applies to alice's remotes
// (git puts the URL's user in the URL it matches): login and logout for
// --username alice use its store, and say nothing about git not running
// the helper.
func TestLoginLogoutUserScopedHelper(t *testing.T) {
	e := gittest.NewEnv(t)
	scoped := filepath.Join(e.Home, "alice-creds")
	e.MustGit(t, "", "", "config", "--global", "credential.https://alice@example.com.helper", helperLine("--file", scoped))
	tok := cmdsToken("ghp_", rand1)
	tr := cmdsRun(t, e, e.Home, tok, "login", "--host", "example.com", "--username", "alice", "--no-verify")
	if tr.code != 0 || strings.Contains(tr.stderr, "not configured") {
		t.Fatalf("login: %+v", tr)
	}
	out, stderr, err := e.Git(t, "", "url=https://alice@example.com/r.git\n\n", "credential", "fill")
	if err != nil || !strings.Contains(out, "password="+tok+"\n") {
		t.Fatalf("git fill for alice's remote: %q %v %s", out, err, stderr)
	}
	cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com", "--username", "alice").want(t,
		"Removed https://alice@example.com (ghp_****"+tok[36:]+") from store file\n", "", 0)
	if b, _ := os.ReadFile(scoped); strings.Contains(string(b), tok) {
		t.Fatalf("logout left the token in %s: %q", scoped, b)
	}
}

// Two helper lines that name one store in different words (pat, pat
// --store file) are one store: list shows each token once.
func TestListOneStoreSpelledTwice(t *testing.T) {
	e := gittest.NewEnv(t)
	for _, kv := range [][2]string{
		{"credential.helper", helperLine()},
		{"credential.https://example.com.helper", helperLine("--store", "file")},
	} {
		e.MustGit(t, "", "", "config", "--global", "--add", kv[0], kv[1])
	}
	cmdsRun(t, e, e.Home, cmdsToken("ghp_", rand1), "login", "--host", "example.com", "--username", "alice", "--no-verify")
	if tr := cmdsRun(t, e, e.Home, "", "list"); strings.Count(tr.stdout, "example.com") != 1 {
		t.Fatalf("list: %+v", tr)
	}
}

// logout without --username also reaches the stores of user-scoped lines
// for the host: git ran them for that user's remotes, and fills from them.
func TestLogoutReachesUserScopedHelper(t *testing.T) {
	e := gittest.NewEnv(t)
	scoped := filepath.Join(e.Home, "alice-creds")
	e.MustGit(t, "", "", "config", "--global", "credential.https://alice@example.com.helper", helperLine("--file", scoped))
	tok := cmdsToken("ghp_", rand1)
	e.MustGit(t, "", "url=https://alice@example.com/r.git\npassword="+tok+"\n\n", "credential", "approve")
	if b, _ := os.ReadFile(scoped); !strings.Contains(string(b), tok) {
		t.Fatalf("git approve did not store into %s: %q", scoped, b)
	}
	tr := cmdsRun(t, e, e.Home, "", "logout", "--host", "example.com")
	if tr.code != 0 || !strings.Contains(tr.stdout, "Removed https://alice@example.com") {
		t.Fatalf("logout: %+v", tr)
	}
	if out, _, err := e.Git(t, "", "url=https://alice@example.com/r.git\n\n", "credential", "fill"); err == nil || strings.Contains(out, tok) {
		t.Fatalf("git still gets the token after logout: %q %v", out, err)
	}
}

// A [credential ""] line of ours is one git runs for every URL: setup keeps
// its flags (the store its tokens are in) on the line it writes, instead of
// resetting it away, and unconfigure removes it.
func TestSetupKeepsEmptyURLLine(t *testing.T) {
	e := gittest.NewEnv(t)
	creds := filepath.Join(e.Home, "A")
	e.MustGit(t, "", "", "config", "--global", "credential..helper", helperLine("--file", creds))
	tok := cmdsToken("ghp_", rand1)
	e.MustGit(t, "", "protocol=https\nhost=example.com\nusername=alice\npassword="+tok+"\n\n", "credential", "approve")
	if tr := cmdsRun(t, e, e.Home, "", "setup"); tr.code != 0 || !strings.Contains(tr.stdout, "added credential.helper = "+helperLine("--file", creds)) {
		t.Fatalf("setup: %+v", tr)
	}
	out, stderr, err := e.Git(t, "", "protocol=https\nhost=example.com\n\n", "credential", "fill")
	if err != nil || !strings.Contains(out, "password="+tok+"\n") {
		t.Fatalf("git no longer fills the token after setup: %q %v %s", out, err, stderr)
	}
	if vals, _, _ := e.Git(t, "", "", "config", "--global", "--get-all", "credential..helper"); vals != "" {
		t.Fatalf("setup left the [credential \"\"] line: %q", vals)
	}
	// Unconfigure removes a [credential ""] line of ours too.
	e.MustGit(t, "", "", "config", "--global", "credential..helper", helperLine("--file", creds))
	tr := cmdsRun(t, e, e.Home, "", "unconfigure")
	if tr.code != 0 || !strings.Contains(tr.stdout, "removed 1 credential..helper line(s)") {
		t.Fatalf("unconfigure: %+v", tr)
	}
	if vals, _, _ := e.Git(t, "", "", "config", "--global", "--get-regexp", `^credential\..*helper$`); strings.Contains(vals, bin) {
		t.Fatalf("unconfigure left a line of ours: %q", vals)
	}
}

// A credentials file readable by other users is said once per command,
// however often the command reads it and through however many stores it
// opens on it (here git runs two helper lines naming the same file).
// doctor says it in its report, on stdout, and not again on stderr.
func TestModeWarningOncePerCommand(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat", "credentials")
	runBin(t, e, "", "setup")
	e.MustGit(t, "", "", "config", "--global", "credential.https://git.example.com.helper", helperLine("--file", file))
	repo := cmdsRepo(t, e, "origin", "https://git.example.com/acme/app.git")
	if tr := cmdsRun(t, e, repo, "tok_first_0123456789\n", "login", "--host", "git.example.com", "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	get := "protocol=https\nhost=git.example.com\n\n"
	pair := "protocol=https\nhost=git.example.com\nusername=u\npassword=p\n\n"
	tests := []struct {
		stdin string
		args  []string
	}{
		{"", []string{"list"}},
		{"", []string{"doctor"}}, // its store check says it, on stdout
		{"tok_second_0123456789\n", []string{"login", "--host", "other.example", "--no-verify"}},
		{"tok_third_0123456789\n", []string{"rotate", "--host", "other.example", "--no-verify"}},
		{"", []string{"logout", "--host", "nothing.example"}},
		{"", []string{"logout", "--host", "other.example"}},
		{get, []string{"get"}},
		{pair, []string{"store"}},
		{pair, []string{"erase"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			if err := os.Chmod(file, 0o644); err != nil {
				t.Fatal(err)
			}
			tr := cmdsRun(t, e, repo, tc.stdin, tc.args...)
			if n := strings.Count(tr.stderr+tr.stdout, "readable by other users"); n != 1 {
				t.Errorf("the warning came %d times, want once:\n%s%s", n, tr.stdout, tr.stderr)
			}
			if tc.args[0] == "doctor" && !strings.Contains(tr.stdout, "fail  store          store file: "+file+" is readable by other users (mode 0644); fix: chmod 600 ") {
				t.Errorf("doctor's report does not say it:\n%s", tr.stdout)
			}
		})
	}
}

// doctor checks the store of every line git runs; a readable file of a
// second store is said once too, in its report. Regression test: its
// store's warning said it again on stderr.
func TestDoctorSaysASecondStoresReadableFileOnce(t *testing.T) {
	e := gittest.NewEnv(t)
	other := filepath.Join(e.Home, "work-creds")
	runBin(t, e, "", "setup")
	e.MustGit(t, "", "", "config", "--global", "credential.https://git.example.com.helper", "")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.https://git.example.com.helper", helperLine("--file", other))
	repo := cmdsRepo(t, e, "origin", "https://git.example.com/acme/app.git")
	if tr := cmdsRun(t, e, repo, "tok_first_0123456789\n", "login", "--host", "git.example.com", "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	if tr := cmdsRun(t, e, e.Home, "tok_second_0123456789\n", "login", "--host", "github.example.org", "--no-verify"); tr.code != 0 {
		t.Fatalf("login: %+v", tr)
	}
	if err := os.Chmod(other, 0o644); err != nil {
		t.Fatal(err)
	}
	tr := cmdsRun(t, e, e.Home, "", "doctor")
	if n := strings.Count(tr.stdout+tr.stderr, other+" is readable by other users"); n != 1 || strings.Contains(tr.stderr, "readable") {
		t.Fatalf("doctor said it %d times:\n%s%s", n, tr.stdout, tr.stderr)
	}
}

// doctor says a readable credentials file once, in its report, also when
// the path it is given reaches the file through a symbolic link: to the
// file itself, or to a directory on the way (a dotfiles directory, or
// macOS's /tmp and /var). Regression test: doctor told the file stores it
// had reported the path with every link resolved, while the store keys its
// warning by the path it reads, which resolves only a link to the file
// itself, so a linked directory got the warning on stderr too.
func TestDoctorModeWarningOnceThroughLinks(t *testing.T) {
	tests := []struct {
		name string
		link func(t *testing.T, real, home string) string // returns the --file path
	}{
		{"plain path", func(t *testing.T, real, home string) string { return real }},
		{"link to the file", func(t *testing.T, real, home string) string {
			p := filepath.Join(home, "creds-link")
			if err := os.Symlink(real, p); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"link to its directory", func(t *testing.T, real, home string) string {
			p := filepath.Join(home, "dotfiles")
			if err := os.Symlink(filepath.Dir(real), p); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(p, filepath.Base(real))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			real := filepath.Join(e.Home, "real", "credentials")
			if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(real, []byte("https://u:tok_0123456789abcdefghij@git.example.com\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			file := tc.link(t, real, e.Home)
			tr := cmdsRun(t, e, e.Home, "", "--file", file, "doctor")
			if n := strings.Count(tr.stderr+tr.stdout, "readable by other users"); n != 1 {
				t.Errorf("the warning came %d times, want once (in doctor's report):\n%s%s", n, tr.stdout, tr.stderr)
			}
			if !strings.Contains(tr.stdout, "fail  store          store file: "+file+" is readable by other users (mode 0644)") {
				t.Errorf("doctor's report does not say it:\n%s", tr.stdout)
			}
		})
	}
}

// With two tokens for a host and credential.username set for it, git asks
// only for that user's: logout --host removes that one, says so, and
// keeps the other. Without the setting it still refuses to guess.
// Regression test: logout asked which of the two, though git uses one.
func TestLogoutFollowsCredentialUsername(t *testing.T) {
	e := gittest.NewEnv(t)
	runBin(t, e, "", "setup")
	for _, u := range []string{"alice", "bob"} {
		if tr := cmdsRun(t, e, e.Home, "tok_"+u+"_0123456789\n", "login", "--host", "git.example.com", "--username", u, "--no-verify"); tr.code != 0 {
			t.Fatalf("login %s: %+v", u, tr)
		}
	}
	if tr := cmdsRun(t, e, e.Home, "", "logout", "--host", "git.example.com"); tr.code == 0 || !strings.Contains(tr.stderr, "2 tokens match git.example.com") {
		t.Fatalf("logout without credential.username: %+v", tr)
	}
	e.MustGit(t, "", "", "config", "--global", "credential.https://git.example.com.username", "bob")
	tr := cmdsRun(t, e, e.Home, "", "logout", "--host", "git.example.com")
	if tr.code != 0 || !strings.Contains(tr.stdout, "credential.username is bob, so git asks only for bob's: removing that one") {
		t.Fatalf("logout with credential.username: %+v", tr)
	}
	var users []string
	for _, entry := range listJSON(t, e) {
		users = append(users, entry["username"].(string))
	}
	if strings.Join(users, ",") != "alice" {
		t.Fatalf("left %q, want alice's token only", users)
	}
}
