package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// Helper lines that name git-credential-pat in a form the commands do not
// take for ours: login used to warn "git is not configured to use
// git-credential-pat, so it will not see this token; run: setup", which is
// false for a shell function that runs ours (git does see the token) and,
// for a bare "git-credential-pat" (git runs git-credential-git-credential-pat),
// hid the fix: the line written with "pat".
func TestLoginNamesAHelperLineItCannotRead(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    string
		gitSees bool   // git credential fill gets the token with the line as it is
		fixed   string // the line login suggests, which git then uses
	}{
		{
			name:  "bare program name",
			line:  "git-credential-pat",
			want:  `makes git run git-credential-git-credential-pat, which does not exist (git puts git-credential- before a name), so git will not see this token; write the line as "pat"`,
			fixed: "pat",
		},
		{
			name:    "shell function",
			line:    `!f() { ` + bin + ` "$@"; }; f`,
			want:    "which names git-credential-pat in a form these commands cannot read, so this token went to store file, where that line may not look",
			gitSees: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			e.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+e.Getenv("PATH"))
			e.MustGit(t, "", "", "config", "--global", "credential.helper", tt.line)
			tok := cmdsToken("ghp_", rand1)
			tr := cmdsRun(t, e, e.Home, tok, "login", "--username", "alice")
			if tr.code != 0 || !strings.Contains(tr.stderr, tt.want) || strings.Contains(tr.stderr, "is not configured") {
				t.Errorf("login: %+v\nwant a warning with %q", tr, tt.want)
			}
			fill := func() bool {
				out, _, _ := e.Git(t, "", "url=https://github.com/acme/app.git\n\n", "credential", "fill")
				return strings.Contains(out, "password="+tok+"\n")
			}
			if got := fill(); got != tt.gitSees {
				t.Errorf("git fill finds the token: %v, want %v", got, tt.gitSees)
			}
			if tt.fixed != "" {
				e.MustGit(t, "", "", "config", "--global", "credential.helper", tt.fixed)
				if !fill() {
					t.Errorf("with the line login suggests, %q, git does not find the token", tt.fixed)
				}
			}
		})
	}
}
