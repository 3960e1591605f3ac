package e2e

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// doctorChecks runs doctor --json in dir and returns "status: message"
// lines per check name.
func doctorChecks(t *testing.T, e *gittest.Env, dir string) map[string][]string {
	t.Helper()
	_, checks := doctorJSON(t, e, dir)
	got := map[string][]string{}
	for _, c := range checks {
		got[c["check"]] = append(got[c["check"]], c["status"]+": "+c["message"])
	}
	return got
}

// doctor's use-http-path line says what git does for the hosts that have
// tokens: after login --owner (which sets useHttpPath for that host only)
// it used to say "credential.useHttpPath is not set: one token serves a
// whole host", the opposite of what git does there.
func TestDoctorUseHTTPPathScopedToHost(t *testing.T) {
	tests := []struct {
		name   string
		config [][2]string // git config --global KEY VALUE, after login --owner
		want   string
	}{
		{
			name: "set by login --owner for the host",
			want: "ok: credential.useHttpPath is true for https://github.com: git asks per repository path there; one token serves each other host",
		},
		{
			name:   "plain true",
			config: [][2]string{{"credential.useHttpPath", "true"}},
			want:   "ok: credential.useHttpPath is true: git asks per repository path",
		},
		{
			name:   "host setting turned off again",
			config: [][2]string{{"credential.https://github.com.useHttpPath", "false"}},
			want:   "warn: the token for https://alice@github.com/acme is for one path, but git sends paths only when credential.useHttpPath is true",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			runBin(t, e, "", "setup")
			if tr := cmdsRun(t, e, e.Home, cmdsToken("ghp_", rand1), "login", "--host", "github.com", "--owner", "acme", "--username", "alice"); tr.code != 0 {
				t.Fatalf("login: %+v", tr)
			}
			for _, kv := range tt.config {
				e.MustGit(t, "", "", "config", "--global", kv[0], kv[1])
			}
			got := strings.Join(doctorChecks(t, e, e.Home)["use-http-path"], "\n")
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("use-http-path:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// doctor checks the tokens in every store git uses, as list shows them:
// a token about to expire in the store of a credential.<url>.helper line,
// or of a second line of ours, used to go unchecked (doctor looked only at
// the store of the first plain line), and the fix it prints stores the
// new token where git reads it.
func TestDoctorChecksEveryStoreGitUses(t *testing.T) {
	tests := []struct {
		name   string
		config func(t *testing.T, e *gittest.Env, other string)
		owner  string // the expiring token's --owner
		url    string // where git uses it
		broken string // a doctor "store" failure must name it, if set
	}{
		{
			name: "URL-scoped line with its own store",
			config: func(t *testing.T, e *gittest.Env, other string) {
				e.MustGit(t, "", "", "config", "--global", "credential.https://github.com/acme.helper", "")
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.https://github.com/acme.helper", helperLine("--file", other))
			},
			owner: "acme",
			url:   "https://github.com/acme/app.git",
		},
		{
			name: "second plain line of ours",
			config: func(t *testing.T, e *gittest.Env, other string) {
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", helperLine("--file", other))
			},
			url: "https://github.com/widgets/lib.git",
		},
		{
			// Regression: a line that cannot work, for another host, made
			// doctor check no other store at all.
			name: "second plain line of ours, and a broken line for another host",
			config: func(t *testing.T, e *gittest.Env, other string) {
				e.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", helperLine("--file", other))
				e.MustGit(t, "", "", "config", "--global", "credential.https://git.example.com.helper", helperLine("--store", "nosuch"))
			},
			url:    "https://github.com/widgets/lib.git",
			broken: `unknown store "nosuch"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			runBin(t, e, "", "setup")
			other := filepath.Join(e.Home, "other-creds")
			tt.config(t, e, other)
			soon := cmdsToken("ghp_", rand1)
			args := []string{"--file", other, "login", "--host", "github.com", "--username", "alice", "--expires", "2d"}
			if tt.owner != "" {
				args = append(args, "--owner", tt.owner)
			}
			if tr := cmdsRun(t, e, e.Home, soon, args...); tr.code != 0 {
				t.Fatalf("login: %+v", tr)
			}
			if out, _, _ := e.Git(t, "", "url="+tt.url+"\n\n", "credential", "fill"); !strings.Contains(out, "password="+soon+"\n") {
				t.Fatalf("git does not use the token (the test's configuration is off): %q", out)
			}

			_, checks := doctorJSON(t, e, e.Home)
			var fix string
			for _, c := range checks {
				if c["check"] == "tokens" && strings.Contains(c["message"], "ghp_****"+soon[36:]+" ") && strings.Contains(c["message"], "expires in 2 days") {
					fix = c["fix"]
				}
			}
			if fix == "" {
				t.Fatalf("doctor does not warn about the token expiring in %s:\n%v", other, checks)
			}
			// The fix for a broken URL-scoped line edits that line: setup
			// would write one for every host.
			if tt.broken != "" && !slices.ContainsFunc(checks, func(c map[string]string) bool {
				return c["check"] == "store" && c["status"] == "fail" && strings.Contains(c["message"], tt.broken) &&
					strings.Contains(c["message"], "fix it with: git config --global --edit (and correct that credential.<url>.helper line)")
			}) {
				t.Fatalf("doctor names no store failure with %s:\n%v", tt.broken, checks)
			}
			fresh := cmdsToken("ghp_", rand2)
			cmd := exec.Command("sh", "-c", fix)
			cmd.Env, cmd.Dir, cmd.Stdin = e.Vars, e.Home, strings.NewReader(fresh)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("fix %q: %v\n%s", fix, err, out)
			}
			if out, _, _ := e.Git(t, "", "url="+tt.url+"\n\n", "credential", "fill"); !strings.Contains(out, "password="+fresh+"\n") {
				t.Errorf("after doctor's fix %q git still gets %q", fix, out)
			}
		})
	}
}
