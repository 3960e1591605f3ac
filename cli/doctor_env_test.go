package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDoctorRecognisesEnvironment(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		files map[string]string
		store string
		want  string // substring of the environment check, "" = no such check
	}{
		{"laptop", nil, map[string]string{"proc/sys/kernel/osrelease": "6.1.0-18-amd64"}, "file", ""},
		{"GitHub Actions", map[string]string{"GITHUB_ACTIONS": "true"}, nil, "file", "warn CI detected"},
		{"CI already on env", map[string]string{"CI": "true"}, nil, "env", "ok CI detected"},
		{"WSL", nil, map[string]string{"proc/sys/kernel/osrelease": "5.15.153.1-microsoft-standard-WSL2"}, "file", "ok WSL detected"},
		{"docker", nil, map[string]string{".dockerenv": ""}, "file", "warn container detected"},
		{"podman", nil, map[string]string{"run/.containerenv": ""}, "env,file", "ok container detected"},
		{"override beats detection", map[string]string{"CI": "true", EnvironmentEnv: "desktop"}, map[string]string{".dockerenv": ""}, "file", ""},
		{"override to WSL", map[string]string{EnvironmentEnv: "wsl"}, nil, "file", "ok WSL detected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for p, content := range tc.files {
				os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
				os.WriteFile(filepath.Join(root, p), []byte(content), 0o644)
			}
			d := &doctor{DoctorOptions: DoctorOptions{
				StoreRef: StoreRef{Name: tc.store},
				Getenv:   func(k string) string { return tc.env[k] },
				SysRoot:  root,
			}}
			d.checkEnvironment()
			got := ""
			for _, c := range d.checks {
				got = c.Status + " " + c.Message + " fix: " + c.Fix
			}
			if tc.want == "" && got != "" || !strings.HasPrefix(got, tc.want) {
				t.Fatalf("got %q, want prefix %q", got, tc.want)
			}
			if strings.HasPrefix(tc.want, "warn") && !strings.Contains(got, "--store env setup") {
				t.Fatalf("warning without the fix: %q", got)
			}
			if tc.name == "WSL" && !strings.Contains(got, "git-credential-pat.exe --store keychain") {
				t.Fatalf("WSL line lacks the Windows helper: %q", got)
			}
		})
	}
}

// The env store gives GIT_CREDENTIAL_PAT_TOKEN only to the hosts in
// GIT_CREDENTIAL_PAT_HOST; doctor says so when none are named.
func TestDoctorWarnsOfAnEnvTokenWithoutHost(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		store string
		warn  bool
	}{
		{"token without host", map[string]string{"GIT_CREDENTIAL_PAT_TOKEN": "t"}, "env", true},
		{"token with a host that is not one", map[string]string{"GIT_CREDENTIAL_PAT_TOKEN": "t", "GIT_CREDENTIAL_PAT_HOST": "a/b"}, "env,file", true},
		{"token with one entry that is no host", map[string]string{"GIT_CREDENTIAL_PAT_TOKEN": "t", "GIT_CREDENTIAL_PAT_HOST": "git.example.com,a/b"}, "env", true},
		{"token with its host", map[string]string{"GIT_CREDENTIAL_PAT_TOKEN": "t", "GIT_CREDENTIAL_PAT_HOST": "git.example.com"}, "env", false},
		{"no env store", map[string]string{"GIT_CREDENTIAL_PAT_TOKEN": "t"}, "file", false},
		{"no token", nil, "env", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &doctor{DoctorOptions: DoctorOptions{
				StoreRef: StoreRef{Name: tc.store},
				Getenv:   func(k string) string { return tc.env[k] },
				SysRoot:  t.TempDir(),
			}}
			d.checkEnvironment()
			warned := false
			for _, c := range d.checks {
				if c.Name == "env token" {
					warned = c.Status == StatusWarn && strings.Contains(c.Fix, "export GIT_CREDENTIAL_PAT_HOST=")
				}
			}
			if warned != tc.warn {
				t.Fatalf("warned: %v, want %v (%+v)", warned, tc.warn, d.checks)
			}
		})
	}
}
