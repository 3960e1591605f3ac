package e2e

import (
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
