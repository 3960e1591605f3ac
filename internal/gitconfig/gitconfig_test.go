package gitconfig

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// isolate points git at a temporary system and global config and hides
// the machine's own.
func isolate(t *testing.T, system, global string) string {
	t.Helper()
	testenv.Tool(t, "git", "Debian package git")
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "0")
	t.Setenv("GIT_CONFIG_SYSTEM", write("system", system))
	t.Setenv("GIT_CONFIG_GLOBAL", write("global", global))
	t.Setenv("GIT_CONFIG_COUNT", "0")
	t.Setenv("GIT_CONFIG_PARAMETERS", "")
	t.Setenv("GIT_TERMINAL_PROMPT", "0")
	t.Setenv("GIT_ASKPASS", "")
	t.Setenv("SSH_ASKPASS", "")
	return dir
}

// traceFill runs a real `git credential fill` for url with GIT_TRACE and
// returns the helper commands git ran, in order (without the action).
func traceFill(t *testing.T, dir, url string) []string {
	t.Helper()
	cmd := exec.Command("git", "credential", "fill")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TRACE=1")
	cmd.Stdin = strings.NewReader("url=" + url + "\n\n")
	out, _ := cmd.CombinedOutput() // fails: no helper answers, no prompt
	var ran []string
	for _, l := range strings.Split(string(out), "\n") {
		_, c, ok := strings.Cut(l, "trace: run_command: '")
		if ok && strings.HasSuffix(c, " get'") {
			ran = append(ran, strings.TrimSuffix(c, " get'"))
		}
	}
	return ran
}

// command is what git runs for a helper value (see git's credential.c).
func command(v string) string {
	switch {
	case strings.HasPrefix(v, "!"):
		return v[1:]
	case filepath.IsAbs(v):
		return v
	}
	return "git credential-" + v
}

const systemConfig = `[credential "https://example.com"]
	helper = "!: system-url"
[credential]
	helper = "!: system-plain"
[credential "https://system.example.net"]
	helper = "!: system-only"
`

const globalConfig = `[credential]
	helper =
	helper = /bin/true git-credential-pat --store keychain
[credential "https://*.example.com"]
	helper = "!: wildcard"
[credential "example.com"]
	helper = "!: partial-host"
[credential "example.com/acme"]
	helper = "!: partial-path"
[credential "https://example.com/acme"]
	helper = "!: url-path"
[credential "https://EXAMPLE.com:443/"]
	helper = "!: default-port"
[credential "https://example.com:8443"]
	helper = "!: port"
[credential "https://alice@example.com"]
	helper = "!: user"
[credential]
	helper = store
[credential ""]
	helper = "!: empty-url"
[credential "https://other.example.org"]
	helper =
	helper = "!: other-only"
[credential "http://example.com"]
	helper = "!: plain-http"
`

// ForURL must list exactly the helpers a real git fill runs, in order:
// the system URL-scoped helper before the global reset is gone, wildcards,
// partial URLs, paths, ports, users and URL-scoped resets as git does them.
func TestForURLMatchesGitTrace(t *testing.T) {
	dir := isolate(t, systemConfig, globalConfig)
	for _, url := range []string{
		"https://example.com/acme/repo.git",
		"https://example.com/acmeco/repo.git",
		"https://example.com/other/x.git",
		"https://git.example.com/x.git",
		"https://example.com:8443/x.git",
		"https://alice@example.com/x.git",
		"https://bob@example.com/x.git",
		"https://other.example.org/x.git",
		"https://system.example.net/x.git",
		"http://example.com/x.git",
		"https://github.com/o/r.git",
	} {
		t.Run(url, func(t *testing.T) {
			want := traceFill(t, dir, url)
			if len(want) == 0 {
				t.Fatalf("git ran no helper for %s; the trace format changed?", url)
			}
			chain, _, _, err := ForURL(context.Background(), dir, url)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range chain {
				got = append(got, command(h.Value))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ForURL(%s) = %q\ngit ran       %q", url, got, want)
			}
		})
	}
}

func TestChain(t *testing.T) {
	h := func(scope, url, v string) Helper { return Helper{Scope: scope, URL: url, Value: v} }
	all := []Helper{
		h("system", "", "osxkeychain"),
		h("system", "https://a.example", "manager"),
		h("global", "", ""),
		h("global", "", "store"),
		h("global", "https://dev.azure.com", "manager"),
		h("global", "", "/bin/git-credential-pat"),
		h("local", "", "cache"),
	}
	tests := []struct {
		name    string
		applies func(Helper) bool
		want    []string
	}{
		{"plain", nil, []string{"store", "/bin/git-credential-pat", "cache"}},
		{"azure", func(h Helper) bool { return h.URL == "https://dev.azure.com" }, []string{"store", "manager", "/bin/git-credential-pat", "cache"}},
		{"system url reset by global", func(h Helper) bool { return h.URL == "https://a.example" }, []string{"store", "/bin/git-credential-pat", "cache"}},
	}
	for _, tc := range tests {
		chain, reset := Chain(all, tc.applies)
		var vals []string
		for _, e := range chain {
			vals = append(vals, e.Value)
		}
		if !reflect.DeepEqual(vals, tc.want) {
			t.Errorf("%s: chain = %q, want %q", tc.name, vals, tc.want)
		}
		if reset == nil || reset.Scope != "global" {
			t.Errorf("%s: last reset = %+v", tc.name, reset)
		}
	}
}

func TestLive(t *testing.T) {
	isolate(t, "", "")
	h := func(url, v string) Helper { return Helper{URL: url, Value: v} }
	all := []Helper{
		h("", "osxkeychain"), // cleared by the plain reset
		h("", ""),
		h("", "store"), // cleared by the [credential ""] reset
		{EmptyURL: true},
		h("https://a.example", "manager-a"), // cleared by its own URL's reset
		h("https://a.example", ""),
		h("https://b.example", "manager-b"), // live: the reset after it is for another URL
		h("https://c.example", ""),
		h("", "pat"),
		h("https://d.example", "pat --file D"),
	}
	var got []string
	for _, l := range Live(context.Background(), "", all) {
		got = append(got, l.Value)
	}
	want := []string{"manager-b", "pat", "pat --file D"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Live = %q, want %q", got, want)
	}
}

// A line is live when git runs it for some URL: a later reset for another
// <url> clears it when git applies that reset wherever it applies the
// line. Each case is checked against a real git fill for a repository
// under the line's URL.
func TestLiveResetForAnotherURL(t *testing.T) {
	for _, tc := range []struct {
		line, reset string // the <url>s of the line and of the later reset
		live        bool
	}{
		{"https://example.com/acme", "https://example.com", false},
		{"https://example.com", "https://Example.com/", false},
		{"https://example.com:443/acme", "https://example.com", false},
		{"https://alice@example.com", "https://example.com", false},
		{"https://example.com/acme", "example.com", false}, // a partial URL with no path: any path
		{"https://example.com", "https://example.com/acme", true},
		{"https://example.com/acme", "example.com/acme", true}, // a partial URL's path must equal the whole path
		{"https://example.com", "https://alice@example.com", true},
		{"https://example.com:8443", "https://example.com", true},
		{"https://example.com/acme", "https://example.com/acme-other", true},
	} {
		t.Run(tc.line+" then "+tc.reset, func(t *testing.T) {
			dir := isolate(t, "", fmt.Sprintf("[credential %q]\n\thelper = \"!: line\"\n[credential %q]\n\thelper =\n", tc.line, tc.reset))
			all, err := All(context.Background(), dir)
			if err != nil || len(all) != 2 {
				t.Fatalf("All = %+v, %v", all, err)
			}
			live := len(Live(context.Background(), dir, all)) == 1
			if ran := len(traceFill(t, dir, tc.line+"/repo.git")) > 0; ran != tc.live {
				t.Fatalf("git ran the line for %s/repo.git: %v; the case is wrong", tc.line, ran)
			}
			if live != tc.live {
				t.Errorf("Live says the line is live: %v, want %v", live, tc.live)
			}
		})
	}
}

func TestParseNull(t *testing.T) {
	out := "global\x00file:/h/.gitconfig\x00credential.helper\npat\x00local\x00file:.git/config\x00credential.helper\x00"
	got := parseNull(out, true, true)
	want := []Entry{{"global", "file:/h/.gitconfig", "credential.helper", "pat"}, {"local", "file:.git/config", "credential.helper", ""}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("parseNull = %q, want %q", got, want)
	}
	if got := parseNull("url.a.insteadof\nb\x00", false, false); len(got) != 1 || got[0] != (Entry{Key: "url.a.insteadof", Value: "b"}) {
		t.Fatalf("parseNull without scope = %q", got)
	}
	if got := parseNull("", true, false); len(got) != 0 {
		t.Fatalf("parseNull of nothing = %q", got)
	}
}

// CredentialBool reads credential.useHttpPath as git applies it: the last
// matching setting in config order wins, not the most specific one. Each
// case is checked against what a real git fill sends its helper.
func TestCredentialBoolMatchesGit(t *testing.T) {
	const url = "https://example.com/team1/repo.git"
	for _, tc := range []struct {
		name, config string
		set          bool
	}{
		{"none", ``, false},
		{"plain", "[credential]\n\tuseHttpPath = true\n", true},
		{"url true, then plain false", "[credential \"https://example.com\"]\n\tuseHttpPath = true\n[credential]\n\tuseHttpPath = false\n", true},
		{"plain false, then url true", "[credential]\n\tuseHttpPath = false\n[credential \"https://example.com\"]\n\tuseHttpPath = true\n", true},
		{"another host's", "[credential]\n\tuseHttpPath = true\n[credential \"https://other.example\"]\n\tuseHttpPath = false\n", true},
		{"partial url", "[credential \"example.com\"]\n\tuseHttpPath = yes\n", true},
		{"empty url", "[credential \"\"]\n\tuseHttpPath = true\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := isolate(t, "", tc.config+"[credential]\n\thelper = \"!f() { cat >\\\"$HOME/seen\\\"; }; f\"\n")
			traceFill(t, dir, url)
			seen, err := os.ReadFile(filepath.Join(dir, "seen"))
			if err != nil {
				t.Fatalf("the helper did not run: %v", err)
			}
			gitSendsPath := strings.Contains(string(seen), "\npath=")
			got, set, err := CredentialBool(context.Background(), dir, "usehttppath", "https://example.com/")
			if err != nil {
				t.Fatal(err)
			}
			if got != gitSendsPath || set != tc.set {
				t.Errorf("CredentialBool = %v (set %v); git sends the path: %v (want set %v)", got, set, gitSendsPath, tc.set)
			}
		})
	}
}

// Where goes into messages: a token in a key's URL is masked, and no
// control character from a key or a path reaches the terminal.
func TestWhereMasksAndEscapes(t *testing.T) {
	tests := []struct {
		h    Helper
		want string
	}{
		{Helper{Scope: "global", Origin: "file:/home/a/.gitconfig"}, "global, /home/a/.gitconfig"},
		{Helper{Scope: "command", Origin: "command line:"}, "command"},
		{Helper{Scope: "local", Origin: "file:.git/config", URL: "https://git.example.org"}, "local, .git/config, credential.https://git.example.org.helper"},
		{Helper{Scope: "global", Origin: "file:/h/.gitconfig", URL: "https://bob:ghp_secret@git.example.org"}, "global, /h/.gitconfig, credential.https://git.example.org.helper"},
	}
	for _, tc := range tests {
		if got := tc.h.Where(); got != tc.want {
			t.Errorf("Where() = %q, want %q", got, tc.want)
		}
	}
	got := Helper{Scope: "global", Origin: "file:/h/\x1b]0;x\a", URL: "https://e\x1b[31mvil.example"}.Where()
	if strings.ContainsAny(got, "\x1b\a") {
		t.Errorf("Where() = %q: control characters", got)
	}
}
