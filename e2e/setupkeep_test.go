package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// globalHelpers is the credential.helper list of ~/.gitconfig.
func globalHelpers(t *testing.T, e *gittest.Env) string {
	t.Helper()
	out, _, _ := e.Git(t, "", "", "config", "--global", "--get-all", "credential.helper")
	return out
}

// Running setup again, in any variant that names no store, keeps the store
// flags of the line already there; only store flags change it.
func TestSetupKeepsTheConfiguredLine(t *testing.T) {
	tests := []struct {
		name string
		args []string // the second setup
		want string   // the line after it; "" = unchanged
		out  string   // in its output
	}{
		{"setup", []string{"setup"}, "", "already uses"},
		{"setup --rewrite-ssh --host github.com", []string{"setup", "--rewrite-ssh", "--host", "github.com"}, "", "added url.https://github.com/.insteadOf = git@github.com:"},
		{"setup from another copy of the program", []string{"OTHER", "setup"}, "OTHER --cache-for 1h0m0s --store keychain", "keeping the flags of"},
		{"store flags replace it", []string{"--store", "file", "setup"}, bin + " --store file", "added credential.helper = " + bin + " --store file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			if _, stderr, code := runBin(t, e, "", "--store", "keychain", "--cache-for", "1h", "setup"); code != 0 {
				t.Fatalf("setup: %s", stderr)
			}
			before := globalHelpers(t, e)
			if before != "\n"+bin+" --cache-for 1h0m0s --store keychain\n" {
				t.Fatalf("first setup wrote %q", before)
			}
			var out, stderr string
			var code int
			if tc.args[0] == "OTHER" {
				// install.sh into another prefix: git runs the new copy, same flags.
				other := filepath.Join(t.TempDir(), "git-credential-pat")
				copyBins(t, other)
				tc.want = strings.ReplaceAll(tc.want, "OTHER", other)
				tr, err := runExe(e, other, "", tc.args[1:]...)
				if err != nil {
					t.Fatal(err)
				}
				out, stderr, code = tr.stdout, tr.stderr, tr.code
			} else {
				out, stderr, code = runBin(t, e, "", tc.args...)
			}
			if code != 0 || !strings.Contains(out, tc.out) {
				t.Fatalf("%v: exit %d\n%s%s", tc.args, code, out, stderr)
			}
			want := before
			if tc.want != "" {
				want = "\n" + tc.want + "\n"
			}
			if got := globalHelpers(t, e); got != want {
				t.Fatalf("after %v: credential.helper = %q, want %q", tc.args, got, want)
			}
		})
	}
}

// setup refuses a line git could not run, before writing anything; doctor
// fails on such a line when it is already there.
func TestSetupValidatesTheLine(t *testing.T) {
	e := gittest.NewEnv(t)
	gitconfig := filepath.Join(e.Home, ".gitconfig")
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"--store", "files", "setup"}, `unknown store "files"`},
		{[]string{"--store", "file,,env", "setup"}, "empty name"},
		{[]string{"--file", "relative/creds", "setup"}, "--file relative/creds is a relative path"},
		{[]string{"--store", "cache", "--socket", "sock", "setup"}, "--socket sock is a relative path"},
		{[]string{"--lock-timeout", "-1s", "setup"}, "--lock-timeout -1s is negative"},
		{[]string{"--timeout", "soon", "--store", "cache", "setup"}, "want seconds or a duration"},
	}
	for _, tc := range tests {
		_, stderr, code := runBin(t, e, "", tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.err) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", tc.args, code, stderr, tc.err)
		}
		if _, err := os.Stat(gitconfig); err == nil {
			data, _ := os.ReadFile(gitconfig)
			t.Fatalf("%v wrote ~/.gitconfig:\n%s", tc.args, data)
		}
	}

	// A broken line already there (written by hand, or by an older
	// version): setup without store flags does not keep it, doctor fails.
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", "")
	e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", bin+" --store files")
	if _, stderr, code := runBin(t, e, "", "setup"); code == 0 || !strings.Contains(stderr, "which cannot work") || !strings.Contains(stderr, `unknown store "files"`) {
		t.Fatalf("setup over a broken line: exit %d, %s", code, stderr)
	}
	out, stderr, code := runBin(t, e, "", "doctor")
	if code == 0 || !strings.Contains(out+stderr, `unknown store "files"`) {
		t.Fatalf("doctor with a broken helper line: exit %d\n%s%s", code, out, stderr)
	}
}

// runExe runs a program (not necessarily bin) in HOME with e's environment.
func runExe(e *gittest.Env, exe, stdin string, args ...string) (transcript, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env, cmd.Dir = e.Vars, e.Home
	cmd.Stdin = strings.NewReader(stdin)
	var o, s strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &s
	err := cmd.Run()
	tr := transcript{stdout: o.String(), stderr: s.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		tr.code, err = ee.ExitCode(), nil
	}
	return tr, err
}

// install.sh again, over SSH with no session bus, keeps a --store keychain
// line with its --cache-for and says what the probe would have chosen;
// --store changes it.
func TestInstallAgainKeepsTheStore(t *testing.T) {
	e := installEnv(t)
	prefix := filepath.Join(e.Home, "prefix")
	root, _ := filepath.Abs("..")
	mustInstallSh(t, e, root, "--prefix", prefix, "--no-setup")
	installed := filepath.Join(prefix, "bin", "git-credential-pat")
	if tr, err := runExe(e, installed, "", "--store", "keychain", "--cache-for", "1h", "setup"); err != nil || tr.code != 0 {
		t.Fatalf("setup: %v %+v", err, tr)
	}
	before := globalHelpers(t, e)

	out := mustInstallSh(t, e, root, "--prefix", prefix)
	if got := globalHelpers(t, e); got != before {
		t.Fatalf("install.sh again changed credential.helper from %q to %q:\n%s", before, got, out)
	}
	for _, want := range []string{
		"Store: keychain (kept: git config --global already runs git-credential-pat with --store keychain",
		"Note: here the probe would choose --store file (no OS keychain answered: keychain: no D-Bus session bus",
		"To switch: ./install.sh --store file",
		"already uses " + installed + " --cache-for 1h0m0s --store keychain; nothing changed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("install.sh output lacks %q:\n%s", want, out)
		}
	}

	mustInstallSh(t, e, root, "--prefix", prefix, "--store", "file")
	if got := globalHelpers(t, e); got != "\n"+installed+" --store file\n" {
		t.Fatalf("install.sh --store file: credential.helper = %q", got)
	}
}

// setup's reset at the end of the scope's file stops git from running every
// helper line read before it. A line of ours there whose store holds
// tokens (in an included file, in the XDG file beside ~/.gitconfig, scoped
// to a URL, in a file included for some repositories only) must not be
// hidden by a line for another store: setup keeps its flags when it was
// given none, and otherwise refuses and changes nothing.
func TestSetupDoesNotHideLinesOfOurs(t *testing.T) {
	const fill = "url=https://example.com/acme/app.git\n\n"
	tests := []struct {
		name   string
		config func(t *testing.T, e *gittest.Env, store string) // puts a line of ours for store somewhere
		args   []string                                         // setup's flags
		refuse string                                           // in setup's stderr when it must refuse
	}{
		{"included file", func(t *testing.T, e *gittest.Env, store string) {
			writeFile(t, filepath.Join(e.Home, "cred.inc"), "[credential]\n\thelper = "+quoteConfig(helperLine("--file", store))+"\n")
			writeGlobal(t, e, "[include]\n\tpath = cred.inc\n")
		}, nil, ""},
		{"XDG file beside ~/.gitconfig", func(t *testing.T, e *gittest.Env, store string) {
			writeFile(t, filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git", "config"), "[credential]\n\thelper = "+quoteConfig(helperLine("--file", store))+"\n")
			writeGlobal(t, e, "[user]\n\tname = A\n")
		}, nil, ""},
		{"URL-scoped line", func(t *testing.T, e *gittest.Env, store string) {
			e.MustGit(t, "", "", "config", "--global", "credential.https://example.com.helper", helperLine("--file", store))
		}, nil, ""},
		{"URL-scoped line, setup names another store", func(t *testing.T, e *gittest.Env, store string) {
			e.MustGit(t, "", "", "config", "--global", "credential.https://example.com.helper", helperLine("--file", store))
		}, []string{"--file", "OTHER"}, "credential.https://example.com.helper"},
		{"file included for some repositories, setup names another store", func(t *testing.T, e *gittest.Env, store string) {
			writeFile(t, filepath.Join(e.Home, "work.inc"), "[credential]\n\thelper = "+quoteConfig(helperLine("--file", store))+"\n")
			writeGlobal(t, e, "[includeIf \"gitdir:~/work/\"]\n\tpath = work.inc\n")
		}, []string{"--file", "OTHER"}, "work.inc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			store, other := filepath.Join(e.Home, "tokens"), filepath.Join(e.Home, "other")
			runBin(t, e, "protocol=https\nhost=example.com\nusername=u\npassword=tok-kept\n", "--file", store, "store")
			tc.config(t, e, store)
			dir := e.Home
			if strings.HasPrefix(tc.name, "file included") {
				dir = filepath.Join(e.Home, "work", "r")
				e.MustGit(t, "", "", "init", "--quiet", dir)
			}
			if out := e.MustGit(t, dir, fill, "credential", "fill"); !strings.Contains(out, "password=tok-kept\n") {
				t.Fatalf("before setup, git credential fill = %q", out)
			}
			before, _ := os.ReadFile(filepath.Join(e.Home, ".gitconfig"))
			args := append(slicesReplace(tc.args, "OTHER", other), "setup")
			out, stderr, code := runBin(t, e, "", args...)
			if tc.refuse != "" {
				after, _ := os.ReadFile(filepath.Join(e.Home, ".gitconfig"))
				if code != 1 || !strings.Contains(stderr, tc.refuse) || !strings.Contains(stderr, "nothing changed") || string(after) != string(before) {
					t.Fatalf("setup %v: exit %d, stderr %q; config %q -> %q; want a refusal naming %q", args, code, stderr, before, after, tc.refuse)
				}
			} else if code != 0 || !strings.Contains(out, "keeping the flags of") {
				t.Fatalf("setup: exit %d\n%s%s", code, out, stderr)
			}
			// Either way git still finds the token.
			if out := e.MustGit(t, dir, fill, "credential", "fill"); !strings.Contains(out, "password=tok-kept\n") {
				t.Fatalf("after setup, git credential fill = %q", out)
			}
		})
	}
}

// writeFile writes text to p, making its directory.
func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// slicesReplace returns words with each old replaced by new.
func slicesReplace(words []string, old, new string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		if w == old {
			w = new
		}
		out[i] = w
	}
	return out
}

// A line of ours in a wider scope (the system config, for setup --global)
// is the administrator's: setup cannot change it, so it goes ahead and
// says that git will no longer run it for this user.
func TestSetupNotesAHiddenSystemLine(t *testing.T) {
	e := gittest.NewEnv(t)
	sys := filepath.Join(e.Home, "system-gitconfig")
	e.Setenv("GIT_CONFIG_NOSYSTEM", "0")
	e.Setenv("GIT_CONFIG_SYSTEM", sys)
	shared := filepath.Join(e.Home, "shared-tokens")
	e.MustGit(t, "", "", "config", "--system", "credential.helper", helperLine("--file", shared))
	out, stderr, code := runBin(t, e, "", "--file", filepath.Join(e.Home, "mine"), "setup")
	if code != 0 || !strings.Contains(out, "note: git will no longer run "+helperLine("--file", shared)+" (system config: credential.helper in "+sys+")") ||
		!strings.Contains(out, "git-credential-pat --store file --file "+shared+" list") {
		t.Fatalf("setup: exit %d\n%s%s", code, out, stderr)
	}
}

// setup --current-store (install.sh's question before it runs setup) names
// the store of the line whose flags setup keeps, wherever in the scope it
// is.
func TestSetupCurrentStoreSeesEveryLineOfOurs(t *testing.T) {
	tests := []struct {
		name   string
		config func(t *testing.T, e *gittest.Env)
		want   string
	}{
		{"none", func(*testing.T, *gittest.Env) {}, ""},
		{"credential.helper", func(t *testing.T, e *gittest.Env) {
			writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--store", "cache"))+"\n")
		}, "cache"},
		{"[credential \"\"] section", func(t *testing.T, e *gittest.Env) {
			writeGlobal(t, e, "[credential \"\"]\n\thelper = "+quoteConfig(helperLine("--store", "cache"))+"\n")
		}, "cache"},
		{"included file", func(t *testing.T, e *gittest.Env) {
			writeFile(t, filepath.Join(e.Home, "cred.inc"), "[credential]\n\thelper = "+quoteConfig(helperLine("--store", "cache"))+"\n")
			writeGlobal(t, e, "[include]\n\tpath = cred.inc\n")
		}, "cache"},
		{"XDG file beside ~/.gitconfig", func(t *testing.T, e *gittest.Env) {
			writeFile(t, filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git", "config"), "[credential]\n\thelper = "+quoteConfig(helperLine("--store", "cache"))+"\n")
			writeGlobal(t, e, "[user]\n\tname = A\n")
		}, "cache"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			tc.config(t, e)
			if out, stderr, code := runBin(t, e, "", "setup", "--current-store"); code != 0 || strings.TrimSpace(out) != tc.want {
				t.Fatalf("setup --current-store: exit %d, %q %q; want %q", code, out, stderr, tc.want)
			}
		})
	}
}

// unconfigure removes the lines setup writes and says which lines of ours
// git still runs because setup did not write them.
func TestUnconfigureNamesLinesItLeaves(t *testing.T) {
	e := gittest.NewEnv(t)
	inc := filepath.Join(e.Home, "cred.inc")
	writeFile(t, inc, "[credential]\n\thelper = "+quoteConfig(helperLine("--store", "cache"))+"\n")
	writeGlobal(t, e, "[include]\n\tpath = cred.inc\n")
	out, stderr, code := runBin(t, e, "", "unconfigure")
	if code != 0 || !strings.Contains(out, "nothing changed") ||
		!strings.Contains(out, "note: "+helperLine("--store", "cache")+" (credential.helper in "+inc+") stays: setup did not write it") {
		t.Fatalf("unconfigure: exit %d\n%s%s", code, out, stderr)
	}
}

// setup --local run in a subdirectory finds the lines of ours in files the
// repository's config includes by a relative path (git names that config
// ".git/config", relative to the top of the worktree).
func TestSetupLocalFromASubdirectorySeesIncludedLines(t *testing.T) {
	e := gittest.NewEnv(t)
	repo := cmdsRepo(t, e)
	sub := filepath.Join(repo, "src", "pkg")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	included := filepath.Join(e.Home, "inc-tokens")
	e.MustGit(t, repo, "", "config", "--local", "includeIf.onbranch:other.path", "extra.inc")
	e.MustGit(t, repo, "", "config", "--file", filepath.Join(repo, ".git", "extra.inc"), "credential.helper", helperLine("--file", included))
	before, _ := os.ReadFile(filepath.Join(repo, ".git", "config"))
	tr := cmdsRun(t, e, sub, "", "--file", filepath.Join(e.Home, "other"), "setup", "--local")
	after, _ := os.ReadFile(filepath.Join(repo, ".git", "config"))
	if tr.code != 1 || !strings.Contains(tr.stderr, filepath.Join(repo, ".git", "extra.inc")) || string(after) != string(before) {
		t.Fatalf("setup --local from a subdirectory: %+v; config %q -> %q; want a refusal naming the included file", tr, before, after)
	}
}

// setup's reset stops git from running other programs' helper lines: it
// says so for each, and for git's credential-store names the command that
// makes git-credential-pat answer from that store's file; after it, git
// finds the token saved there. An inline helper's secret is not shown.
// Regression test: setup hid them without a word.
func TestSetupNotesOtherHelpersItHides(t *testing.T) {
	e := gittest.NewEnv(t)
	token, inline := cmdsToken("ghp_", rand1), cmdsToken("ghp_", rand2)
	creds := filepath.Join(e.Home, ".git-credentials")
	if err := os.WriteFile(creds, []byte("https://alice:"+token+"@github.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(e.Home, "my creds;touch PWNED")
	// The URL-scoped line comes first: setup adds its lines to the last
	// [credential] section, after it.
	writeGlobal(t, e, "[credential \"https://bob:"+inline+"@git.example.org\"]\n\thelper = \"store --file '"+odd+"'\"\n"+
		"[credential]\n\thelper = store\n\thelper = cache --timeout 3600\n"+
		"\thelper = \"!f() { echo password="+inline+"; }; f\"\n")
	out, stderr, code := runBin(t, e, "", "setup")
	if code != 0 {
		t.Fatalf("setup: exit %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		`note: git will no longer run "store" (credential.helper in ` + filepath.Join(e.Home, ".gitconfig") + "); the tokens it saved stay in ~/.git-credentials; to have git-credential-pat answer from that file: git-credential-pat --file ~/.git-credentials setup\n",
		`note: git will no longer run "cache --timeout 3600"`,
		`note: git will no longer run "!f() { echo password=****; }; f"`,
		// A path from config is quoted for the shell; a token in a key is masked.
		"(credential.https://git.example.org.helper in ",
		"to have git-credential-pat answer from that file: git-credential-pat --file '" + odd + "' setup\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("setup output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+stderr, inline) {
		t.Fatalf("setup printed the inline helper's token:\n%s%s", out, stderr)
	}

	// The command the note names (the shell expands the ~), which says
	// where the tokens of the store it replaces stay, once it holds one.
	if out, stderr, code := runBin(t, e, cmdsToken("ghp_", rand2), "login", "--host", "gitea.example.org", "--no-verify"); code != 0 {
		t.Fatalf("login: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = runBin(t, e, "", "--file", creds, "setup")
	if want := "note: git will no longer run " + bin + "; the tokens in its store stay there (see them with: git-credential-pat --store file list)\n"; code != 0 || !strings.Contains(out, want) {
		t.Fatalf("setup --file: exit %d, want %q\n%s%s", code, want, out, stderr)
	}
	got := e.MustGit(t, "", "protocol=https\nhost=github.com\n\n", "credential", "fill")
	if !strings.Contains(got, "username=alice\npassword="+token+"\n") {
		t.Fatalf("git credential fill after setup --file: %q", got)
	}
}

// In a repository whose .git/config resets helpers, a global setup cannot
// make git run this helper there: login, setup and the notes of other
// commands name setup --local, which does. Regression test: they named
// plain setup, which changed nothing ("already uses").
func TestAdviceInARepositoryThatResetsHelpers(t *testing.T) {
	e := gittest.NewEnv(t)
	token := cmdsToken("ghp_", rand1)
	if _, stderr, code := runBin(t, e, "", "setup"); code != 0 {
		t.Fatalf("setup: %s", stderr)
	}
	repo := cmdsRepo(t, e)
	e.MustGit(t, repo, "", "config", "--local", "credential.helper", "")

	tr := cmdsRun(t, e, repo, token, "login", "--host", "github.com", "--no-verify")
	if tr.code != 0 || !strings.Contains(tr.stderr, "git is not configured to use git-credential-pat, so it will not see this token; run: git-credential-pat setup --local\n") {
		t.Fatalf("login: %+v", tr)
	}
	tr = cmdsRun(t, e, repo, "", "list")
	if !strings.Contains(tr.stderr, "(make git use it with: git-credential-pat setup --local)") {
		t.Fatalf("list: %+v", tr)
	}
	tr = cmdsRun(t, e, repo, "", "setup")
	if tr.code != 0 || !strings.Contains(tr.stdout, "an empty credential.helper (local, "+filepath.Join(repo, ".git", "config")+") comes after this line and clears it; run: git-credential-pat setup --local\n") {
		t.Fatalf("setup: %+v", tr)
	}
	if _, _, err := e.Git(t, repo, "protocol=https\nhost=github.com\n\n", "credential", "fill"); err == nil {
		t.Fatal("git found a token before setup --local: the test proves nothing")
	}

	// The advice works, and then nothing more is said.
	if tr := cmdsRun(t, e, repo, "", "setup", "--local"); tr.code != 0 || strings.Contains(tr.stdout, "note: here git still runs") {
		t.Fatalf("setup --local: %+v", tr)
	}
	if got := e.MustGit(t, repo, "protocol=https\nhost=github.com\n\n", "credential", "fill"); !strings.Contains(got, "password="+token+"\n") {
		t.Fatalf("fill after setup --local: %q", got)
	}
	if tr := cmdsRun(t, e, repo, "", "setup"); strings.Contains(tr.stdout, "note: here git still runs") {
		t.Fatalf("setup after setup --local: %+v", tr)
	}
}

// An empty credential.<url>.helper after the [credential] section setup
// writes into clears its line for that URL, whatever setup's scope: setup
// and login name the command that removes it, and after it git finds the
// token. One followed by another helper is left alone (someone's choice).
// Regression test: setup --local was advised, and changed nothing.
func TestAdviceForAURLScopedReset(t *testing.T) {
	e := gittest.NewEnv(t)
	token := cmdsToken("ghp_", rand1)
	repo := cmdsRepo(t, e)
	e.MustGit(t, repo, "", "config", "--local", "credential.useHttpPath", "false")
	e.MustGit(t, repo, "", "config", "--local", "credential.https://github.com.helper", "")
	e.MustGit(t, repo, "", "config", "--local", "credential.https://other.example.helper", "")
	e.MustGit(t, repo, "", "config", "--local", "--add", "credential.https://other.example.helper", "cache")
	unset := "git config --local --unset-all credential.https://github.com.helper '^$'"

	tr := cmdsRun(t, e, repo, "", "setup", "--local")
	if tr.code != 0 || !strings.Contains(tr.stdout, "note: for https://github.com git still runs no git-credential-pat: ") || !strings.Contains(tr.stdout, "run: "+unset+"\n") {
		t.Fatalf("setup --local: %+v", tr)
	}
	if strings.Contains(tr.stdout, "other.example") {
		t.Fatalf("setup noted a reset followed by another helper: %+v", tr)
	}
	tr = cmdsRun(t, e, repo, token, "login", "--host", "github.com", "--no-verify")
	if tr.code != 0 || !strings.Contains(tr.stderr, "run: "+unset+"\n") {
		t.Fatalf("login: %+v", tr)
	}
	e.MustGit(t, repo, "", "config", "--local", "--unset-all", "credential.https://github.com.helper", "^$")
	if got := e.MustGit(t, repo, "protocol=https\nhost=github.com\n\n", "credential", "fill"); !strings.Contains(got, "password="+token+"\n") {
		t.Fatalf("fill after removing the reset: %q", got)
	}
}

// Replacing a line of ours whose file store holds nothing says nothing
// about its tokens: there are none.
func TestSetupQuietAboutAnEmptyStoreItReplaces(t *testing.T) {
	e := gittest.NewEnv(t)
	if _, stderr, code := runBin(t, e, "", "setup"); code != 0 {
		t.Fatalf("setup: %s", stderr)
	}
	out, stderr, code := runBin(t, e, "", "--file", filepath.Join(e.Home, "other"), "setup")
	if code != 0 || strings.Contains(out, "will no longer run") {
		t.Fatalf("setup --file: exit %d\n%s%s", code, out, stderr)
	}
}
