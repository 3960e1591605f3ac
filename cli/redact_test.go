package cli

import (
	"regexp"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://ci:ghp_secret@github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://ghp_secret@github.com/o/r.git", "https://github.com/o/r.git"}, // a token as the user name
		{"http://x:y@[::1]:8080/r", "http://[::1]:8080/r"},
		{"https://a:b@host", "https://host"},
		{"https://host/path@with-at", "https://host/path@with-at"}, // an @ in the path is no userinfo
		{"https://host?q=a@b", "https://host?q=a@b"},
		{"ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"}, // an SSH user name is kept
		{"ssh://git:pw@github.com/o/r.git", "ssh://github.com/o/r.git"},
		{"git+ssh://me:pw@host/r", "git+ssh://host/r"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git"},
		{"/local/path@x", "/local/path@x"},
		{"", ""},
	} {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// urlPattern matches the URL it was made from, no URL that differs outside
// the userinfo, and never contains the userinfo itself.
func TestURLPattern(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		others    []string // must not match
	}{
		{"git@github.com:o/r.git", `^git@github\.com:o/r\.git$`, []string{"git@github.com:o/r.gitx"}},
		{"http://ci:ghp_SECRET@github.com/o/r.git", `^http://[^@/]{13}@github\.com/o/r\.git$`,
			[]string{"http://github.com/o/r.git", "http://ci:ghp_SECRE@github.com/o/r.git", "http://ci:ghp_SECRET@github.com/o/r.gitx", "https://ci:ghp_SECRET@github.com/o/r.git"}},
		{"ssh://git@host/r", `^ssh://git@host/r$`, []string{"ssh://gitx@host/r"}},
	} {
		got := urlPattern(tc.raw)
		if got != tc.want {
			t.Errorf("urlPattern(%q) = %q, want %q", tc.raw, got, tc.want)
		}
		re := regexp.MustCompile(got) // these patterns read the same in POSIX ERE and RE2
		if !re.MatchString(tc.raw) {
			t.Errorf("%s does not match %q", got, tc.raw)
		}
		for _, o := range tc.others {
			if re.MatchString(o) {
				t.Errorf("%s also matches %q", got, o)
			}
		}
		if strings.Contains(got, "SECRET") {
			t.Errorf("urlPattern(%q) contains the secret: %s", tc.raw, got)
		}
	}
}

func TestRedactHelper(t *testing.T) {
	tok := "ghp_" + strings.Repeat("a", 30) + "WXYZ12"
	hfTok := "hf_" + strings.Repeat("q", 30) + "Ab12"
	for _, tc := range []struct{ in, want string }{
		{"store", "store"},
		{"cache --timeout=3600", "cache --timeout=3600"},
		{"/usr/bin/git-credential-pat --store file --file '/home/me/my creds'", "/usr/bin/git-credential-pat --store file --file '/home/me/my creds'"},
		{"!f(){ echo username=x; echo password=hunter2; }; f", "!f(){ echo username=x; echo password=****; }; f"},
		{`!f() { echo "password=hunter2"; }; f`, `!f() { echo "password=****"; }; f`},
		{"!echo password=" + tok, "!echo password=****"},
		{"!printf 'oauth_refresh_token=abc\\n'", "!printf 'oauth_refresh_token=****'"}, // masks too much rather than too little
		{"!GH_TOKEN=abc gh auth git-credential", "!GH_TOKEN=**** gh auth git-credential"},
		{"mytool --token abc123 --other x", "mytool --token **** --other x"},
		{"mytool --password=abc123", "mytool --password=****"},
		{"!echo " + tok, "!echo ghp_****YZ12"},
		{"!echo " + hfTok, "!echo hf_****Ab12"},  // Hugging Face user access token
		{"!hf-push hf_user", "!hf-push hf_****"}, // masks too much rather than too little
		{"!f(){ curl -s https://me:pw@vault.example/t; }; f", "!f(){ curl -s https://vault.example/t; }; f"},
	} {
		if got := redactHelper(tc.in); got != tc.want {
			t.Errorf("redactHelper(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
