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
