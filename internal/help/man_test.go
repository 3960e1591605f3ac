package help

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// testHelp is a small command table like the real one, with the awkward
// cases: a hidden command, a shorthand, a value flag with a default, a
// summary starting with a dot and a backslash in a usage.
func testHelp() Help {
	return Help{
		Program: "git-credential-pat",
		Intro: "git-credential-pat: a git credential helper for personal access tokens.\n\n" +
			"Set it up once:\n  git-credential-pat setup [--store NAME]\n\ngit then runs it.\n",
		Commands: []HelpCommand{
			{Name: "get", Summary: "git's helper action"},
			{Name: "list", Summary: "list stored tokens", Flags: []HelpFlag{
				{Name: "json", Usage: "print JSON for scripts"},
			}, Globals: []string{"store"}, Usages: "      --json   print JSON for scripts\n"},
			{Name: "login", Summary: ".store a token", Flags: []HelpFlag{
				{Name: "host", Arg: "string", Default: `"github.com"`, Usage: "host the token is for"},
				{Name: "expires", Arg: "string", Usage: `when it expires (a\b)`},
				{Name: "token-file", Arg: "path", Usage: "read the token from a file"},
			}, Usages: "      --host string   host the token is for (default \"github.com\")\n"},
			{Name: "secret", Summary: "not for people", Hidden: true, Flags: []HelpFlag{{Name: "hidden-flag", Usage: "x"}}},
			{Name: "setup", Summary: "make git use this helper", Flags: []HelpFlag{
				{Name: "local", Usage: "the repository's config"},
				{Name: "quiet", Shorthand: "q", Usage: "say nothing"},
			}},
		},
		Globals: []HelpFlag{
			{Name: "file", Arg: "string", Usage: "credentials file for --store file"},
			{Name: "lock-timeout", Arg: "duration", Usage: "how long to wait", Default: "1s"},
			{Name: "store", Arg: "string", Default: `"file"`, Usage: "where tokens live"},
			{Name: "allow-http", Usage: "also answer for http://"},
		},
		GlobalUsages: "      --store string   where tokens live (default \"file\")\n",
		Stores:       []HelpStore{{"env", "read-only: from the environment"}, {"file", "plain file"}},
	}
}

func TestUsage(t *testing.T) {
	h := testHelp()
	got := Usage(h, "")
	want := h.Intro + "\nCommands:\n" +
		"  get          git's helper action\n" +
		"  list         list stored tokens\n" +
		"  login        .store a token\n" +
		"  setup        make git use this helper\n" +
		"\nFlags for every command:\n" + h.GlobalUsages +
		"\nStores:\n" +
		"  env          read-only: from the environment\n" +
		"  file         plain file\n" +
		"\nRun git-credential-pat help COMMAND for a command's flags.\n"
	if got != want {
		t.Errorf("Usage(\"\") =\n%s\nwant\n%s", got, want)
	}
	if got := Usage(h, "nosuch"); got != want {
		t.Errorf("Usage of an unknown command is not the overview:\n%s", got)
	}
	for _, tc := range []struct{ name, want string }{
		{"login", "git-credential-pat login: .store a token\n\nFlags:\n" + h.Commands[2].Usages},
		// A command that uses no flags says nothing about flags.
		{"get", "git-credential-pat get: git's helper action\n"},
	} {
		if got := Usage(h, tc.name); got != tc.want {
			t.Errorf("Usage(%s) =\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

// unroff undoes what roffText does and drops font changes, enough to
// search the page's source for the words help prints.
func unroff(s string) string {
	return strings.NewReplacer(`\-`, "-", `\e`, `\`, `\&`, "", `\fB`, "", `\fI`, "", `\fR`, "").Replace(s)
}

func TestManSaysWhatHelpSays(t *testing.T) {
	h := testHelp()
	page := Man(h)
	text := unroff(page)
	for _, c := range h.Commands {
		has := strings.Contains(text, "\n"+c.Name+"\n")
		if has == c.Hidden {
			t.Errorf("command %s (hidden %v): in the man page = %v", c.Name, c.Hidden, has)
		}
		for _, f := range c.Flags {
			if strings.Contains(text, "--"+f.Name) == c.Hidden {
				t.Errorf("flag --%s of %s: in the man page = %v", f.Name, c.Name, !c.Hidden)
			}
			if !c.Hidden && !strings.Contains(text, f.Usage) {
				t.Errorf("usage of --%s missing: %q", f.Name, f.Usage)
			}
		}
		if !c.Hidden && !strings.Contains(text, c.Summary) {
			t.Errorf("summary of %s missing", c.Name)
		}
	}
	for _, f := range h.Globals {
		if !strings.Contains(text, "--"+f.Name) {
			t.Errorf("global flag --%s missing", f.Name)
		}
	}
	for _, s := range h.Stores {
		if !strings.Contains(text, s.Name) || !strings.Contains(text, s.Summary) {
			t.Errorf("store %s missing", s.Name)
		}
	}
	for _, want := range []string{
		".TH \"GIT\\-CREDENTIAL\\-PAT\" 1 ",
		"\n.SH NAME\ngit\\-credential\\-pat \\- a git credential helper for personal access tokens\n",
		"\n.nf\ngit\\-credential\\-pat setup [\\-\\-store NAME]\n.fi\n",                         // the intro's example, as typed
		"\n\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\n",                                                 // shorthand
		"\n\\fB\\-\\-host\\fR \\fIstring\\fR\nhost the token is for (default \"github.com\")\n", // value and default
		"\n\\&.store a token\n", // a leading dot is not a request
		`when it expires (a\eb)`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q:\n%s", want, page)
		}
	}
	// No text line may start with a dot or quote unless it is a request.
	request := regexp.MustCompile(`^\.(\\"|TH|SH|PP|TP|RS|RE|nf|fi|nh|ad) ?`)
	for _, line := range strings.Split(page, "\n") {
		if (strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'")) && !request.MatchString(line) {
			t.Errorf("line is taken for a roff request: %q", line)
		}
	}
}

// man itself renders the page without warnings and shows the flags as
// typed (ASCII hyphens, so they can be copied).
func TestManRenders(t *testing.T) {
	testenv.Tool(t, "man", "Debian package man-db")
	p := filepath.Join(t.TempDir(), "git-credential-pat.1")
	if err := os.WriteFile(p, []byte(Man(testHelp())), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("man", "--warnings", "-l", p)
	cmd.Env = append(os.Environ(), "MANWIDTH=200", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8", "MAN_KEEP_FORMATTING=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	text := regexp.MustCompile(".\b").ReplaceAllString(string(out), "") // overstrike bold
	for _, want := range []string{"--lock-timeout duration", "-q, --quiet", "git-credential-pat setup [--store NAME]", ".store a token", `(a\b)`} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered page lacks %q:\n%s", want, text)
		}
	}
}
