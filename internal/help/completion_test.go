package help

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// requireShell finds a shell, skipping the test when it is missing (CI
// installs bash, zsh and fish, so there a missing one fails).
func requireShell(t *testing.T, name string) string {
	t.Helper()
	return testenv.Tool(t, name, "Debian package "+name)
}

// completionFixture writes the scripts for testHelp and a fake
// git-credential-pat whose "list --json" prints two hosts, and a third that
// is shell code (which must be neither run nor offered), and records the
// arguments it got.
func completionFixture(t *testing.T) (dir, fake, argsLog string) {
	t.Helper()
	dir = t.TempDir()
	for _, sh := range CompletionShells {
		var b strings.Builder
		if err := Completion(&b, testHelp(), sh); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "c."+sh), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	fake = filepath.Join(bin, "git-credential-pat")
	argsLog = filepath.Join(dir, "args.log")
	script := "#!/bin/sh\necho \"$*\" >> '" + argsLog + "'\n" +
		"case \" $* \" in *' list --json '*) printf '[\\n  {\"protocol\": \"https\", \"host\": \"github.com\"},\\n  {\"host\":\"gitlab.example.com\"},\\n  {\"host\":\"$(touch${IFS}pwned)\"}]\\n' ;; esac\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, fake, argsLog
}

// assertNotRun fails when completing ran the stored host "$(touch pwned)".
func assertNotRun(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("completing --host ran a stored host name as shell code")
	}
}

func TestCompletionUnknownShell(t *testing.T) {
	var b strings.Builder
	for _, sh := range []string{"", "tcsh"} {
		err := Completion(&b, testHelp(), sh)
		if err == nil || !strings.Contains(err.Error(), "bash") {
			t.Errorf("Completion(%q) = %v, want an error naming the shells", sh, err)
		}
	}
	if b.Len() != 0 {
		t.Errorf("wrote a script for an unknown shell: %q", b.String())
	}
}

func TestCompletionBash(t *testing.T) {
	bash := requireShell(t, "bash")
	dir, fake, argsLog := completionFixture(t)
	run := func(script string) string {
		t.Helper()
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", "source c.bash\n"+
			`comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _git_credential_pat; echo "${COMPREPLY[*]}"; }`+"\n"+script)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimRight(string(out), "\n")
	}
	if got := run("complete -p git-credential-pat"); got != "complete -F _git_credential_pat git-credential-pat" {
		t.Errorf("complete -p = %q", got)
	}
	for _, tc := range []struct{ words, want string }{
		{`git-credential-pat ""`, "get list login setup help"}, // not the hidden command
		{`git-credential-pat l`, "list login"},
		{`git-credential-pat --store file --lock-timeout 2s l`, "list login"}, // flag values are not the command
		{`git-credential-pat --store = file s`, "setup"},
		{`git-credential-pat --`, "--allow-http --file --help --lock-timeout --store"},
		{`git-credential-pat setup -`, "--allow-http --file --help -h --local --lock-timeout --quiet -q --store"},
		{`git-credential-pat login --`, "--allow-http --expires --file --help --host --lock-timeout --store --token-file"},
		{`git-credential-pat list --`, "--help --json --store"}, // only the globals it uses
		{`git-credential-pat --file x list --`, "--help --json --store"},
		{`git-credential-pat --store ""`, "env file"},
		{`git-credential-pat --store = f`, "file"},
		{`git-credential-pat --store env,f`, "env,file"},
		{`git-credential-pat login --expires ""`, ""},
		{`git-credential-pat help l`, "list login"},
		{`git-credential-pat completion ""`, "bash zsh fish"},
		{`git -c a=b credential-pat lo`, "login "}, // through git's completion, which adds no space
	} {
		if got := run("comp " + tc.words); got != tc.want {
			t.Errorf("complete %s = %q, want %q", tc.words, got, tc.want)
		}
	}
	if got := run(`comp git-credential-pat --file ./c. | tr ' ' '\n' | sort | tr '\n' ' '`); got != "./c.bash ./c.fish ./c.zsh " {
		t.Errorf("--file completes %q, want the files", got)
	}

	// Hosts come from the program being completed, with the global flags.
	if got := run("comp " + fake + ` --store file --file=/x/y --allow-http login --expires 1d --host ""`); got != "github.com gitlab.example.com" {
		t.Errorf("--host completes %q", got)
	}
	if log, _ := os.ReadFile(argsLog); string(log) != "--store file --file=/x/y --allow-http list --json\n" {
		t.Errorf("list was run with %q", log)
	}
	if got := run("comp " + fake + ` login --host = git`); got != "github.com gitlab.example.com" {
		t.Errorf("--host= completes %q", got)
	}
	// A failing or missing program completes nothing, quietly.
	if got := run(`comp /nonexistent/git-credential-pat login --host ""`); got != "" {
		t.Errorf("--host with no program completes %q", got)
	}

	if sc, err := exec.LookPath("shellcheck"); err == nil {
		if out, err := exec.Command(sc, "-s", "bash", filepath.Join(dir, "c.bash")).CombinedOutput(); err != nil {
			t.Errorf("shellcheck: %v\n%s", err, out)
		}
	}
	assertNotRun(t, dir)
}

func TestCompletionZsh(t *testing.T) {
	zsh := requireShell(t, "zsh")
	dir, fake, _ := completionFixture(t)

	// It registers itself with the completion system...
	cmd := exec.Command(zsh, "-f", "-c", "autoload -Uz compinit && compinit -u -D && source c.zsh && print -r -- ${_comps[git-credential-pat]}")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "_git-credential-pat\n" {
		t.Fatalf("zsh: compdef after source: %v %q", err, out)
	}
	// ...and also works as an autoloaded file on $fpath.
	fpath := filepath.Join(dir, "fpath")
	if err := os.Mkdir(fpath, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "c.zsh"), filepath.Join(fpath, "_git-credential-pat")); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(zsh, "-f", "-c", "fpath=(fpath $fpath); autoload -Uz compinit && compinit -u -D && print -r -- ${_comps[git-credential-pat]}")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "_git-credential-pat\n" {
		t.Fatalf("zsh: from $fpath: %v %q", err, out)
	}

	// What it offers, with the completion builtins replaced by printers.
	stubs := `compdef() { }
compadd() { local -a a; while [[ $1 == -* && $1 != -- ]]; do if [[ $1 == -a ]]; then a=(${(P)2}); shift; fi; shift; done; [[ $1 == -- ]] && shift; print -r -- "${(j: :)a} $*" }
_describe() { local -a a; a=(${(P)${@[-1]}}); print -r -- "${(j: :)${(@)a%%:*}}" }
_files() { print -r -- files }
_message() { print -r -- "message $*" }
compset() { }
autoload -Uz _git-credential-pat
t() { words=("$@"); CURRENT=$#words; _git-credential-pat }
`
	for _, tc := range []struct{ words, want string }{
		{`git-credential-pat ''`, "get list login setup help"},
		{`git-credential-pat --store file ''`, "get list login setup help"},
		{`git-credential-pat setup -`, "--allow-http --file --help -h --local --lock-timeout --quiet -q --store"},
		{`git-credential-pat list -`, "--help -h --json --store"},
		{`git-credential-pat --store ''`, "env file"},
		{`git-credential-pat --store=f`, "env file"},
		{`git-credential-pat --file ''`, "files"},
		{`git-credential-pat login --expires ''`, "message string"},
		{`git-credential-pat help ''`, "get list login setup"},
		{`git-credential-pat completion ''`, " bash zsh fish"},
		{fake + ` --file /x login --host ''`, "github.com gitlab.example.com "},
	} {
		cmd := exec.Command(zsh, "-f", "-c", "fpath=(fpath $fpath)\n"+stubs+"t "+tc.words)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if got := strings.TrimRight(string(out), "\n"); err != nil || got != tc.want {
			t.Errorf("zsh: complete %s = %q (%v), want %q", tc.words, got, err, tc.want)
		}
	}
	assertNotRun(t, dir)
}

func TestCompletionFish(t *testing.T) {
	fish := requireShell(t, "fish")
	dir, fake, argsLog := completionFixture(t)
	complete := func(line string) string {
		t.Helper()
		cmd := exec.Command(fish, "--no-config", "-c", "source c.fish; and complete -C"+fishQuote(line))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(fake)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var words []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			words = append(words, w)
		}
		return strings.Join(words, " ")
	}
	for _, tc := range []struct{ line, want string }{
		{"git-credential-pat ", "get help list login setup"},
		{"git-credential-pat --store file l", "list login"},
		{"git-credential-pat setup --", "--allow-http --file --help --local --lock-timeout --quiet --store"},
		{"git-credential-pat list --", "--help --json --store"},
		{"git-credential-pat --file x list --", "--help --json --store"},
		{"git-credential-pat --", "--allow-http --file --help --lock-timeout --store"},
		{"git-credential-pat --store ", "env file"},
		{"git-credential-pat --store env,f", "env,file"},
		{"git-credential-pat help l", "list login"},
		{"git-credential-pat completion ", "bash fish zsh"},
		{"git-credential-pat --store file --file=/x/y --allow-http login --expires 1d --host ", "github.com gitlab.example.com"},
	} {
		if got := complete(tc.line); got != tc.want {
			t.Errorf("fish: complete %q = %q, want %q", tc.line, got, tc.want)
		}
	}
	if log, _ := os.ReadFile(argsLog); string(log) != "--store file --file=/x/y --allow-http list --json\n" {
		t.Errorf("list was run with %q", log)
	}
	assertNotRun(t, dir)
}
