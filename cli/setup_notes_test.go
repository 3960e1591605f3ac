package cli

import (
	"slices"
	"testing"
)

// The advice setup gives for git's hidden store keeps the store the user
// chose and quotes what the shell must not split.
func TestSetupAdviceFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "--file ~/.git-credentials"},
		{[]string{"--file", "/x/creds"}, "--file ~/.git-credentials"},
		{[]string{"--file=/x/creds", "--cache-for", "1h0m0s"}, "--cache-for 1h0m0s --file ~/.git-credentials"},
		{[]string{"--store", "env"}, "--store env,file --file ~/.git-credentials"},
		{[]string{"--store", "keychain,file"}, "--store keychain,file --file ~/.git-credentials"},
		{[]string{"--store=env"}, "--store env,file --file ~/.git-credentials"},
	}
	for _, tc := range tests {
		got := quoteArgs(withFlag(withStore(tc.args, "file"), "--file", "~/.git-credentials"))
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, got, tc.want)
		}
	}
	if got := quoteArgs([]string{"--file", "/a b;c", "--file", "~/x y"}); got != `--file '/a b;c' --file ~/'x y'` {
		t.Errorf("quoteArgs: %s", got)
	}
	for _, tc := range []struct {
		args []string
		file bool
	}{{nil, true}, {[]string{"--store", "env"}, false}, {[]string{"--store", "env,file"}, true}, {[]string{"--store=keychain"}, false}} {
		if got := storesIn(tc.args, "file"); got != tc.file {
			t.Errorf("storesIn(%q, file) = %v", tc.args, got)
		}
	}
	if got := withFlag([]string{"--a", "1", "--b=2", "--c"}, "--b", "3"); !slices.Equal(got, []string{"--a", "1", "--c", "--b", "3"}) {
		t.Errorf("withFlag: %q", got)
	}
}

// The fix for a reset that keeps git from running this helper: setup in
// the scope that wins over it, or removing it where setup cannot win.
func TestResetFix(t *testing.T) {
	tests := []struct {
		name  string
		reset *helperSetting
		want  string
	}{
		{"no reset", nil, "git-credential-pat setup"},
		{"local", &helperSetting{Scope: "local"}, "git-credential-pat setup --local"},
		{"system: a global setup comes after it", &helperSetting{Scope: "system"}, "git-credential-pat setup"},
		{"global", &helperSetting{Scope: "global"}, "git-credential-pat setup"},
		{"worktree", &helperSetting{Scope: "worktree"}, "git config --worktree --unset-all credential.helper '^$'"},
		{"git -c", &helperSetting{Scope: "command"}, "remove the empty credential.helper given with git -c, GIT_CONFIG_COUNT or GIT_CONFIG_PARAMETERS"},
		{"for a URL", &helperSetting{Scope: "local", URL: "https://git.example.org"}, "git config --local --unset-all credential.https://git.example.org.helper '^$'"},
		{"[credential \"\"]", &helperSetting{Scope: "global", EmptyURL: true}, "git config --global --unset-all credential..helper '^$'"},
		{"for a URL with a token", &helperSetting{Scope: "global", URL: "https://bob:ghp_secret@git.example.org"}, "git config --global --edit (and remove the empty credential.https://git.example.org.helper line)"},
	}
	for _, tc := range tests {
		if got := resetFix(tc.reset, ""); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := resetFix(&helperSetting{Scope: "local"}, "--store keychain "); got != "git-credential-pat --store keychain setup --local" {
		t.Errorf("with flags: %q", got)
	}
}
