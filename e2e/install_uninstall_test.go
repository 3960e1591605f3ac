package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// installEnv is an isolated git environment that shares this process's Go
// caches, so install.sh builds in seconds and without the network.
func installEnv(t *testing.T) *gittest.Env {
	t.Helper()
	e := gittest.NewEnv(t)
	keys := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOTOOLCHAIN", "GOPROXY", "GONOSUMDB", "GOPRIVATE", "GOSUMDB"}
	out, err := exec.Command("go", append([]string{"env"}, keys...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	for i, v := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(keys) && v != "" {
			e.Setenv(keys[i], v)
		}
	}
	// man finds pages from PATH (DIR/bin -> DIR/share/man) unless MANPATH says otherwise.
	var vars []string
	for _, kv := range e.Vars {
		if !strings.HasPrefix(kv, "MANPATH=") {
			vars = append(vars, kv)
		}
	}
	e.Vars = vars
	return e
}

// cleanCopy copies the source tree (what git would check out, plus new
// files not yet committed) to a temp dir without .git, as someone who
// downloaded it would have it.
func cleanCopy(t *testing.T) string {
	t.Helper()
	root, _ := filepath.Abs("..")
	dst := t.TempDir()
	var files []string
	if out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output(); err == nil {
		files = strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	} else {
		err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if fi.IsDir() && fi.Name() == ".git" {
				return filepath.SkipDir
			}
			if fi.Mode().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		src := filepath.Join(root, f)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// installSh runs install.sh from dir with stdin that is not a terminal.
func installSh(t *testing.T, e *gittest.Env, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "install.sh"), args...)
	cmd.Env = e.Vars
	cmd.Dir = e.Home
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustInstallSh(t *testing.T, e *gittest.Env, dir string, args ...string) string {
	t.Helper()
	out, err := installSh(t, e, dir, args...)
	if err != nil {
		t.Fatalf("install.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// The whole life cycle from a clean copy: install, use, uninstall (config
// byte for byte as before, tokens kept), install again, purge.
func TestInstallUninstall(t *testing.T) {
	e := installEnv(t)
	src := cleanCopy(t)
	prefix := filepath.Join(e.Home, "prefix")
	e.Setenv("PATH", filepath.Join(prefix, "bin")+string(os.PathListSeparator)+e.Getenv("PATH"))
	installed := filepath.Join(prefix, "bin", "git-credential-pat")
	manPage := filepath.Join(prefix, "share", "man", "man1", "git-credential-pat.1")
	completions := []string{
		filepath.Join(prefix, "share", "bash-completion", "completions", "git-credential-pat"),
		filepath.Join(prefix, "share", "zsh", "site-functions", "_git-credential-pat"),
		filepath.Join(prefix, "share", "fish", "vendor_completions.d", "git-credential-pat.fish"),
	}
	credsDir := filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat")

	// Someone's config, hand-written: a comment, odd spacing, another
	// helper, and a section after [credential].
	gitconfig := filepath.Join(e.Home, ".gitconfig")
	before := "# mine\n[user]\n\tname = Alice Example\n[credential]\n    helper = \"cache --timeout=300\"   # keep\n[alias]\n  co = checkout\n"
	if err := os.WriteFile(gitconfig, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	assertConfigUnchanged := func(when string) {
		t.Helper()
		if got, err := os.ReadFile(gitconfig); err != nil || string(got) != before {
			t.Fatalf("~/.gitconfig %s:\n%s\nwant, byte for byte:\n%s", when, got, before)
		}
	}
	assertInstalled := func(out string) {
		t.Helper()
		if st, err := os.Stat(installed); err != nil || st.Mode().Perm() != 0o755 {
			t.Fatalf("binary not installed (%v):\n%s", err, out)
		}
		page, err := os.ReadFile(manPage)
		if err != nil {
			t.Fatalf("man page not installed: %v\n%s", err, out)
		}
		if want, _, _ := runBin(t, e, "", "man"); string(page) != want {
			t.Errorf("installed man page differs from git-credential-pat man")
		}
		for _, f := range append([]string{manPage}, completions...) {
			if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o644 {
				t.Errorf("%s: %v (want mode 0644)", f, err)
			}
		}
		if got := e.MustGit(t, "", "", "config", "--global", "--get-all", "credential.helper"); got != "cache --timeout=300\n\n"+installed+" --store file\n" {
			t.Fatalf("credential.helper after install = %q", got)
		}
	}
	assertRemoved := func(out string) {
		t.Helper()
		for _, f := range append([]string{installed, manPage}, completions...) {
			if _, err := os.Lstat(f); !os.IsNotExist(err) {
				t.Errorf("%s still there after uninstall (%v):\n%s", f, err, out)
			}
			if !strings.Contains(out, "Removed "+f) {
				t.Errorf("uninstall did not say it removed %s:\n%s", f, out)
			}
		}
	}

	out := mustInstallSh(t, e, src, "--prefix", prefix)
	assertInstalled(out)
	// The build is slow the first time: it says what it is doing before.
	if !strings.HasPrefix(out, "Building git-credential-pat with go1.") {
		t.Errorf("install.sh did not start by saying it builds:\n%s", out)
	}
	for _, want := range []string{"Installed " + installed, "Installed " + manPage} {
		if !strings.Contains(out, want) {
			t.Errorf("install.sh did not say %q:\n%s", want, out)
		}
	}

	// man and git help find the page through PATH.
	if _, err := exec.LookPath("man"); err == nil {
		cmd := exec.Command("man", "-w", "git-credential-pat")
		cmd.Env = e.Vars
		if got, err := cmd.Output(); err != nil || strings.TrimSpace(string(got)) != manPage {
			t.Errorf("man -w git-credential-pat = %q, %v; want %s", got, err, manPage)
		}
		cmd = exec.Command("man", "-w", "git-credential-pat")
		cmd.Env = append(e.Vars, "MANPATH="+filepath.Join(prefix, "share", "man"), "PATH=/usr/bin:/bin")
		if got, err := cmd.Output(); err != nil || strings.TrimSpace(string(got)) != manPage {
			t.Errorf("MANPATH=... man -w git-credential-pat = %q, %v", got, err)
		}
		e2 := *e
		e2.Vars = append(append([]string(nil), e.Vars...), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80")
		if got := e2.MustGit(t, "", "", "help", "credential-pat"); !strings.Contains(got, "git-credential-pat - a git credential helper") {
			t.Errorf("git help credential-pat shows:\n%s", got)
		}
	} else if testenv.CI() {
		t.Error("man is not installed (.ci/run installs man-db)")
	}

	// In use: git stores through the installed helper, and only it (the
	// empty line setup added resets the cache helper).
	e.MustGit(t, "", "protocol=https\nhost=example.com\nusername=alice\npassword=ghp_KeptAcrossUninstall\n\n", "credential", "approve")
	creds := filepath.Join(credsDir, "credentials")
	if data, err := os.ReadFile(creds); err != nil || !strings.Contains(string(data), "ghp_KeptAcrossUninstall") {
		t.Fatalf("token not in the file store: %v", err)
	}

	// Uninstall keeps the tokens and restores the config exactly.
	out = mustInstallSh(t, e, src, "--uninstall", "--prefix", prefix)
	assertRemoved(out)
	assertConfigUnchanged("after install and uninstall")
	if data, err := os.ReadFile(creds); err != nil || !strings.Contains(string(data), "ghp_KeptAcrossUninstall") {
		t.Fatalf("uninstall without --purge lost the tokens: %v", err)
	}
	if !strings.Contains(out, "Kept your stored tokens in "+credsDir) {
		t.Errorf("uninstall did not say where the tokens are:\n%s", out)
	}
	if strings.Contains(out, "git-credential-pat:") {
		t.Errorf("uninstall printed an error (cache exit must fail quietly):\n%s", out)
	}

	// Again: nothing to do, still fine.
	out = mustInstallSh(t, e, src, "--uninstall", "--prefix", prefix)
	if !strings.Contains(out, "not installed in "+filepath.Join(prefix, "bin")) {
		t.Errorf("second uninstall:\n%s", out)
	}
	assertConfigUnchanged("after a second uninstall")

	// Install again: the kept token works at once.
	out = mustInstallSh(t, e, src, "--prefix", prefix)
	assertInstalled(out)
	if got := e.MustGit(t, "", "protocol=https\nhost=example.com\n\n", "credential", "fill"); !strings.Contains(got, "password=ghp_KeptAcrossUninstall\n") {
		t.Fatalf("after re-install, git credential fill = %q", got)
	}

	// --purge needs a terminal to ask on, or --yes; without either nothing changes.
	out, err := installSh(t, e, src, "--uninstall", "--purge", "--prefix", prefix)
	if err == nil || !strings.Contains(out, "--yes") {
		t.Fatalf("--purge without a terminal or --yes: %v\n%s", err, out)
	}
	assertInstalled(out)
	if _, err := os.Stat(creds); err != nil {
		t.Fatalf("refused purge removed the tokens: %v", err)
	}

	out = mustInstallSh(t, e, src, "--uninstall", "--purge", "--yes", "--prefix", prefix)
	assertRemoved(out)
	assertConfigUnchanged("after install and uninstall --purge")
	if _, err := os.Stat(credsDir); !os.IsNotExist(err) {
		t.Fatalf("--purge --yes left %s: %v\n%s", credsDir, err, out)
	}
	if !strings.Contains(out, "Deleted "+credsDir) {
		t.Errorf("purge did not say what it deleted:\n%s", out)
	}

	// And from nothing once more.
	assertInstalled(mustInstallSh(t, e, src, "--prefix", prefix))
}

// Without a prior [credential] section, uninstall leaves none behind.
func TestUninstallLeavesNoEmptySection(t *testing.T) {
	e := installEnv(t)
	root, _ := filepath.Abs("..")
	prefix := filepath.Join(e.Home, "prefix")
	gitconfig := filepath.Join(e.Home, ".gitconfig")
	before := "[user]\n\tname = Bob\n"
	if err := os.WriteFile(gitconfig, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	mustInstallSh(t, e, root, "--prefix", prefix, "--no-setup")
	mustInstallSh(t, e, root, "--prefix", prefix) // setup on a second run
	mustInstallSh(t, e, root, "--uninstall", "--prefix", prefix)
	if got, _ := os.ReadFile(gitconfig); string(got) != before {
		t.Fatalf("~/.gitconfig after install and uninstall:\n%s\nwant:\n%s", got, before)
	}
}

// An install directory with a space: git must run the helper through
// the shell ("!'/my dir/...'"), not as "git credential-'/my dir/...'".
func TestInstallIntoDirWithSpace(t *testing.T) {
	e := installEnv(t)
	root, _ := filepath.Abs("..")
	prefix := filepath.Join(e.Home, "my tools")
	mustInstallSh(t, e, root, "--prefix", prefix)
	e.MustGit(t, "", "protocol=https\nhost=example.com\nusername=a\npassword=ghp_Spaced\n\n", "credential", "approve")
	if got := e.MustGit(t, "", "protocol=https\nhost=example.com\n\n", "credential", "fill"); !strings.Contains(got, "password=ghp_Spaced\n") {
		t.Fatalf("git credential fill through %q = %q", prefix, got)
	}
	mustInstallSh(t, e, root, "--prefix", prefix) // setup again: recognised as ours, not added twice
	if got := e.MustGit(t, "", "", "config", "--global", "--get-all", "credential.helper"); strings.Count(got, "git-credential-pat") != 1 {
		t.Fatalf("credential.helper after two installs = %q", got)
	}
	mustInstallSh(t, e, root, "--uninstall", "--prefix", prefix)
	if out, _, err := e.Git(t, "", "", "config", "--global", "--get-all", "credential.helper"); err == nil {
		t.Fatalf("uninstall left credential.helper = %q", out)
	}
}

// --purge asks on a terminal: "n" keeps the tokens, "y" deletes them.
func TestUninstallPurgeAsks(t *testing.T) {
	script := requireTool(t, "script", "util-linux")
	e := gittest.NewEnv(t)
	root, _ := filepath.Abs("..")
	credsDir := filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat")
	if err := os.MkdirAll(credsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(credsDir, "credentials"), []byte("https://a:ghp_x@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	onTerminal := func(answer string) string {
		t.Helper()
		line := shQuote(filepath.Join(root, "install.sh")) + " --uninstall --purge --prefix " + shQuote(filepath.Join(e.Home, "prefix"))
		cmd := exec.Command(script, "-qec", line, "/dev/null")
		cmd.Env = e.Vars
		cmd.Stdin = strings.NewReader(answer + "\n")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("install.sh on a terminal: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "Delete "+credsDir+" and every token stored in it? [y/N]") {
			t.Fatalf("no question asked:\n%s", out)
		}
		return string(out)
	}
	onTerminal("n")
	if _, err := os.Stat(credsDir); err != nil {
		t.Fatalf("answering n deleted the tokens: %v", err)
	}
	onTerminal("y")
	if _, err := os.Stat(credsDir); !os.IsNotExist(err) {
		t.Fatalf("answering y kept %s: %v", credsDir, err)
	}
}

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Options that do not go together fail before anything happens.
func TestInstallShOptionErrors(t *testing.T) {
	e := gittest.NewEnv(t)
	root, _ := filepath.Abs("..")
	for _, args := range [][]string{
		{"--purge"},
		{"--yes"},
		{"--uninstall", "--store", "file"},
		{"--uninstall", "--no-setup"},
		{"--uninstall", "--build-only", filepath.Join(e.Home, "b")},
		{"--build-only", filepath.Join(e.Home, "b"), "--store", "file"},
		{"--build-only", filepath.Join(e.Home, "b"), "--no-setup"},
		{"--build-only", ""},
		{"--build-only=" + filepath.Join(e.Home, "b")}, // with --prefix, added below
		{"--bogus"},
	} {
		out, err := installSh(t, e, root, append(args, "--prefix", filepath.Join(e.Home, "p"))...)
		if err == nil || !strings.HasPrefix(out, "install.sh: ") || strings.Count(out, "\n") != 1 {
			t.Errorf("install.sh %v: %v, want one line of error:\n%s", args, err, out)
		}
	}
	// An option missing its value, at the end of the line: say which.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--prefix"}, "install.sh: --prefix needs a directory: ./install.sh --prefix DIR"},
		{[]string{"--prefix", filepath.Join(e.Home, "p"), "--store"}, "install.sh: --store needs a value: ./install.sh --store NAME"},
		{[]string{"--build-only"}, "install.sh: --build-only needs a directory: ./install.sh --build-only DIR"},
	} {
		out, err := installSh(t, e, root, tc.args...)
		if err == nil || !strings.HasPrefix(out, tc.want) || strings.Count(out, "\n") != 1 {
			t.Errorf("install.sh %v: %v, want one line %q:\n%s", tc.args, err, tc.want, out)
		}
	}
	for _, dir := range []string{"p", "b"} {
		if _, err := os.Stat(filepath.Join(e.Home, dir)); !os.IsNotExist(err) {
			t.Errorf("a refused install.sh created %s", dir)
		}
	}
	out, err := installSh(t, e, root, "--help")
	if err != nil || !strings.Contains(out, "--uninstall [--prefix DIR] [--purge [--yes]]") || !strings.Contains(out, "--build-only DIR") {
		t.Errorf("install.sh --help: %v\n%s", err, out)
	}
}

// unroff turns man page source into the words it shows.
func unroff(s string) string {
	return strings.NewReplacer(`\-`, "-", `\e`, `\`, `\&`, "", `\fB`, "", `\fI`, "", `\fR`, "").Replace(s)
}

// helpFlagLine is one flag line of pflag's usage: name, value, usage.
var helpFlagLine = regexp.MustCompile(`^\s+(?:-(\w), )?--([\w-]+)(?: (\S+))?\s{2,}(.*)$`)

// The man page says what help says: every command, every flag and its
// usage. And asking for help runs nothing.
func TestManMatchesHelp(t *testing.T) {
	e := gittest.NewEnv(t)
	overview, _, code := runBin(t, e, "", "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	page, _, code := runBin(t, e, "", "man")
	if code != 0 || !strings.HasPrefix(page, `.\"`) {
		t.Fatalf("man: exit %d:\n%s", code, page)
	}
	text := unroff(page)

	_, list, _ := strings.Cut(overview, "\nCommands:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for _, line := range strings.Split(list, "\n") {
		name, summary, _ := strings.Cut(strings.TrimSpace(line), " ")
		names = append(names, name)
		if !strings.Contains(text, "\n"+name+"\n"+strings.TrimSpace(summary)+"\n") {
			t.Errorf("man page lacks command %s with its summary %q", name, strings.TrimSpace(summary))
		}
	}
	if len(names) < 5 {
		t.Fatalf("found only %d commands in help:\n%s", len(names), overview)
	}
	checkFlags := func(what, usages string) {
		n := 0
		for _, line := range strings.Split(usages, "\n") {
			m := helpFlagLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			n++
			if !strings.Contains(text, "--"+m[2]) || !strings.Contains(text, "\n"+m[4]+"\n") {
				t.Errorf("%s: man page lacks --%s with its usage %q", what, m[2], m[4])
			}
			if m[1] != "" && !strings.Contains(text, "-"+m[1]+", --"+m[2]) {
				t.Errorf("%s: man page lacks -%s", what, m[1])
			}
		}
		if n == 0 {
			t.Errorf("%s: no flags found in:\n%s", what, usages)
		}
	}
	_, globals, _ := strings.Cut(overview, "\nFlags for every command:\n")
	globals, _, _ = strings.Cut(globals, "\n\n")
	checkFlags("help", globals)
	for _, name := range names {
		out, stderr, code := runBin(t, e, "", "help", name)
		if code != 0 || stderr != "" || !strings.HasPrefix(out, "git-credential-pat "+name+": ") {
			t.Fatalf("help %s: exit %d, %s\n%s", name, code, stderr, out)
		}
		// A command that uses no flags (version) has no Flags section.
		if _, flags, ok := strings.Cut(out, "\nFlags:\n"); ok {
			checkFlags("help "+name, flags)
		}
		if got, _, _ := runBin(t, e, "", name, "--help"); got != out {
			t.Errorf("%s --help differs from help %s", name, name)
		}
	}
	// help setup, help store, ... printed help and did nothing else.
	for _, p := range []string{filepath.Join(e.Home, ".gitconfig"), filepath.Join(e.Getenv("XDG_CONFIG_HOME"), "git-credential-pat")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("help ran a command: %s exists", p)
		}
	}

	// man renders it with the flags as typed.
	if _, err := exec.LookPath("man"); err != nil {
		return
	}
	p := filepath.Join(t.TempDir(), "git-credential-pat.1")
	if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("man", "--warnings", "-l", p)
	cmd.Env = append(e.Vars, "MANWIDTH=200", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	rendered, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	shown := regexp.MustCompile(".\b").ReplaceAllString(string(rendered), "")
	for _, flag := range regexp.MustCompile(`--[\w-]+`).FindAllString(overview, -1) {
		if !strings.Contains(shown, flag) {
			t.Errorf("rendered man page lacks %s", flag)
		}
	}
}

// The completion scripts of the real binary load in each shell and offer
// its commands; hosts come from the file store through list --json.
func TestCompletionScripts(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	binDir := filepath.Join(dir, "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The scripts run the program by its name, as it is installed.
	if err := os.Symlink(bin, filepath.Join(binDir, "git-credential-pat")); err != nil {
		t.Fatal(err)
	}
	e.Setenv("PATH", binDir+string(os.PathListSeparator)+e.Getenv("PATH"))
	shell := func(name string) string {
		p, err := exec.LookPath(name)
		if err != nil {
			if testenv.CI() {
				t.Fatalf("%s is not installed (.ci/run installs it)", name)
			}
			t.Logf("%s is not installed: not tested", name)
		}
		return p
	}
	run := func(sh string, args ...string) string {
		t.Helper()
		cmd := exec.Command(sh, args...)
		cmd.Env = e.Vars
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader("")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %q: %v\n%s", sh, args, err, out)
		}
		return string(out)
	}

	// A stored host, and a command with --host to complete it for.
	runBin(t, e, "protocol=https\nhost=git.example.org\nusername=a\npassword=ghp_x\n\n", "store")
	overview, _, _ := runBin(t, e, "", "help")
	hostCmd := ""
	if strings.Contains(overview, "\n  list ") {
		for _, name := range []string{"logout", "login"} {
			if out, _, _ := runBin(t, e, "", "help", name); strings.Contains(out, "--host string") {
				hostCmd = name
				break
			}
		}
	}

	if bash := shell("bash"); bash != "" {
		if got := run(bash, "--norc", "-c", "source <(git-credential-pat completion bash) && complete -p git-credential-pat"); got != "complete -F _git_credential_pat git-credential-pat\n" {
			t.Errorf("bash: complete -p = %q", got)
		}
		comp := `source <(git-credential-pat completion bash)
comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _git_credential_pat; echo "${COMPREPLY[*]}"; }
`
		if got := run(bash, "--norc", "-c", comp+`comp git-credential-pat com`); got != "completion\n" {
			t.Errorf("bash: complete com = %q", got)
		}
		if got := run(bash, "--norc", "-c", comp+`comp git-credential-pat --store fi`); got != "file\n" {
			t.Errorf("bash: complete --store fi = %q", got)
		}
		if hostCmd != "" {
			if got := run(bash, "--norc", "-c", comp+`comp git-credential-pat `+hostCmd+` --host ""`); got != "git.example.org\n" {
				t.Errorf("bash: complete %s --host = %q", hostCmd, got)
			}
		}
		// git's own completion hands "git credential-pat ..." to ours.
		if gitComp := "/usr/share/bash-completion/completions/git"; fileExists(gitComp) {
			got := run(bash, "--norc", "-c", "source "+gitComp+"\nsource <(git-credential-pat completion bash)\n"+
				`COMP_WORDS=(git credential-pat unconf); COMP_CWORD=2; COMP_LINE="git credential-pat unconf"; COMP_POINT=${#COMP_LINE}; __git_wrap__git_main; echo "${COMPREPLY[*]}"`)
			if got != "unconfigure \n" {
				t.Errorf("bash: git credential-pat unconf = %q", got)
			}
		}
	}
	if zsh := shell("zsh"); zsh != "" {
		got := run(zsh, "-f", "-c", "autoload -Uz compinit && compinit -u -D && source <(git-credential-pat completion zsh) && print -r -- ${_comps[git-credential-pat]}")
		if got != "_git-credential-pat\n" {
			t.Errorf("zsh: completion function = %q", got)
		}
	}
	if fish := shell("fish"); fish != "" {
		got := run(fish, "--no-config", "-c", "git-credential-pat completion fish | source; and complete -C'git-credential-pat unconf'")
		if !strings.HasPrefix(got, "unconfigure\t") {
			t.Errorf("fish: complete unconf = %q", got)
		}
		if hostCmd != "" {
			got := run(fish, "--no-config", "-c", "git-credential-pat completion fish | source; and complete -C'git-credential-pat "+hostCmd+" --host '")
			if !strings.HasPrefix(got, "git.example.org\t") {
				t.Errorf("fish: complete %s --host = %q", hostCmd, got)
			}
		}
	}
	_, stderr, code := runBin(t, e, "", "completion", "tcsh")
	if code != 1 || !strings.Contains(stderr, "bash, zsh, fish") {
		t.Errorf("completion tcsh: exit %d, %q", code, stderr)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// install.sh --build-only DIR builds the two programs into DIR as an
// install does, and does nothing else: no man page, no completions, no
// git config. The helper git runs is built with Go's previous garbage
// collector where the toolchain offers it (it starts faster; see
// install.sh); the CLI and the cache daemon with the default.
func TestInstallShBuildOnly(t *testing.T) {
	e := installEnv(t)
	goTool := testenv.Tool(t, "go", "install.sh builds with it")
	root, _ := filepath.Abs("..")
	// Relative to the directory install.sh runs in (installSh: the
	// home), not to the checkout it builds in.
	dir := filepath.Join(e.Home, "built")
	out := mustInstallSh(t, e, root, "--build-only", "built")
	if !strings.Contains(out, "Built "+dir+"/git-credential-pat") || strings.Contains(out, "Installed") {
		t.Errorf("install.sh --build-only said:\n%s\nwant a Built line and nothing installed", out)
	}
	if _, err := os.Stat(filepath.Join(root, "built")); !os.IsNotExist(err) {
		os.RemoveAll(filepath.Join(root, "built"))
		t.Errorf("install.sh --build-only built wrote into the checkout")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
	}
	if strings.Join(names, " ") != "git-credential-pat git-credential-pat-cli" {
		t.Errorf("%s holds %v, want the two programs alone", dir, names)
	}
	for _, p := range []string{".gitconfig", ".local", ".config/git"} {
		if _, err := os.Stat(filepath.Join(e.Home, p)); !os.IsNotExist(err) {
			t.Errorf("--build-only made ~/%s", p)
		}
	}
	offered := exec.Command(goTool, "env", "GOEXPERIMENT")
	offered.Env = append(os.Environ(), "GOEXPERIMENT=nogreenteagc")
	oldGC := offered.Run() == nil
	for _, tc := range []struct {
		prog   string
		wantGC bool
	}{
		{"git-credential-pat", oldGC},
		{"git-credential-pat-cli", false},
	} {
		info, err := exec.Command(goTool, "version", "-m", filepath.Join(dir, tc.prog)).Output()
		if err != nil {
			t.Fatalf("go version -m %s: %v", tc.prog, err)
		}
		got := regexp.MustCompile(`(?m)^\s*build\s+GOEXPERIMENT=.*nogreenteagc`).Match(info)
		if got != tc.wantGC || !bytes.Contains(info, []byte("CGO_ENABLED=0")) {
			t.Errorf("%s: built with nogreenteagc %v (want %v), CGO_ENABLED=0 %v:\n%s", tc.prog, got, tc.wantGC, bytes.Contains(info, []byte("CGO_ENABLED=0")), info)
		}
		out, err := exec.Command(filepath.Join(dir, tc.prog), "version").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "git-credential-pat ") {
			t.Errorf("%s version: %v\n%s", tc.prog, err, out)
		}
	}
}

// A relative --prefix is relative to the directory install.sh runs in,
// not to the checkout it builds in (it once was, after its cd).
func TestInstallShRelativePrefix(t *testing.T) {
	e := installEnv(t)
	root, _ := filepath.Abs("..")
	mustInstallSh(t, e, root, "--prefix", "rel", "--no-setup")
	for _, p := range []string{"bin/git-credential-pat", "bin/git-credential-pat-cli", "share/man/man1/git-credential-pat.1"} {
		if _, err := os.Stat(filepath.Join(e.Home, "rel", p)); err != nil {
			t.Errorf("install.sh --prefix rel, run in %s: %v", e.Home, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "rel")); !os.IsNotExist(err) {
		os.RemoveAll(filepath.Join(root, "rel"))
		t.Errorf("install.sh --prefix rel installed into the checkout")
	}
}
