//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// --confirm asks on the agent's terminal (a real pseudo-terminal from
// script) before each answer, naming the URL and the process; y answers,
// n refuses, and the log says which.
func TestAgentConfirmOnTerminal(t *testing.T) {
	e := gittest.NewEnv(t)
	const token = "ghp_ConfirmTestToken"
	creds := filepath.Join(e.Home, "creds")
	credential(t, e, []string{"--file", creds}, "approve", "protocol=https", "host=example.com", "username=alice", "password="+token)
	socket := filepath.Join(t.TempDir(), "agent", "sock")

	agent := startOnTerminal(t, e, bin+" agent --confirm --ttl 10m --allow example.com --file "+creds+" --socket "+socket)
	agent.WaitFor("the agent to start", func() bool { return strings.Contains(agent.Shown(), "GIT_CREDENTIAL_PAT_AGENT=") })

	for i, tc := range []struct {
		answer string
		want   bool
	}{{"y", true}, {"n", false}} {
		get := exec.Command(bin, "--store", "agent", "get")
		get.Env = append(append([]string(nil), e.Vars...), "GIT_CREDENTIAL_PAT_AGENT="+socket)
		get.Stdin = strings.NewReader("protocol=https\nhost=example.com\npath=org/app.git\n\n")
		var out strings.Builder
		get.Stdout, get.Stderr = &out, &out
		if err := get.Start(); err != nil {
			t.Fatal(err)
		}
		agent.WaitFor("question "+tc.answer, func() bool { return strings.Count(agent.Shown(), "[y/N]") == i+1 })
		agent.Type(tc.answer + "\r")
		if err := get.Wait(); err != nil {
			t.Fatalf("get: %v\n%s", err, out.String())
		}
		if got := strings.Contains(out.String(), "password="+token); got != tc.want {
			t.Fatalf("answered %q: got the token %v, want %v (%q)", tc.answer, got, tc.want, out.String())
		}
	}

	if _, stderr, code := runBin(t, e, "", "agent", "--stop", "--socket", socket); code != 0 {
		t.Fatalf("agent --stop: %d %s", code, stderr)
	}
	agent.Wait(60 * time.Second)
	shown := agent.Shown()
	t.Logf("the agent's terminal:\n%s", shown)
	for _, want := range []string{
		"git-credential-pat agent: answer get https://example.com/org/app.git for pid ",
		"(git-credential-): " + bin + " --store agent get? [y/N]",
		"get https://example.com/org/app.git from pid ",
		": answered",
		": refused (not confirmed at the agent's terminal)",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the agent's terminal lacks %q", want)
		}
	}
	if strings.Contains(shown, token) {
		t.Error("the token appeared on the agent's terminal")
	}
	if _, err := os.Lstat(socket); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
}
