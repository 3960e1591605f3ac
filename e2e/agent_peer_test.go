package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// asUser prefixes a command so it runs as uid (and gid) uid; 0 runs it
// as the test user (root).
func asUser(uid int, args ...string) []string {
	if uid == 0 {
		return args
	}
	id := fmt.Sprint(uid)
	return append([]string{"setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups"}, args...)
}

// waitLog returns the agent's log once it has a line containing want, or
// after 10 s: the agent writes the line before it answers, but the test
// reads it through a pipe that a busy machine may not have copied yet.
func waitLog(log *gittest.SyncBuffer, want string) string {
	deadline := time.Now().Add(10 * time.Second) // catches a missing line, measures nothing
	for !strings.Contains(log.String(), want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return log.String()
}

// startAgentAs runs the agent in the foreground as uid, waits for the line
// to export, and stops it (SIGTERM, by pid) at the end of the test. Its
// log is its stderr. (The log names the command as the kernel keeps it,
// cut to 15 bytes: "git-credential-".)
func startAgentAs(t *testing.T, uid int, vars []string, args ...string) *gittest.SyncBuffer {
	t.Helper()
	argv := asUser(uid, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = vars
	var log gittest.SyncBuffer
	cmd.Stderr = &log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the agent: %v", err)
	}
	exited := make(chan struct{})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	})
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "GIT_CREDENTIAL_PAT_AGENT=") {
			t.Fatalf("agent printed %q, not the line to export; its log:\n%s", l, log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("agent did not start; its log:\n%s", log.String())
	}
	return &log
}

// The agent answers its own user and root, and refuses every other user,
// by the peer's credentials on each connection: even when the socket file
// is open to everyone.
func TestAgentPeerUsers(t *testing.T) {
	requireRoot(t)
	requireTool(t, "setpriv", "util-linux")
	const token = "ghp_PeerTestToken"
	const nobody, other = 65534, 65533

	// A directory every user can reach, with a copy of the binary: the
	// test binary's own directory is private to root.
	shared, err := os.MkdirTemp("", "gcp-agent-peer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(shared, "git-credential-pat")
	copyBins(t, exe)

	for i, tc := range []struct {
		name              string
		agentUID, client  int
		loosen            bool   // open the socket directory and file to everyone
		answered          bool   // the client gets the token
		clientErr, logHas string // "" = none expected
	}{
		{name: "another user is refused even when it can reach the socket", agentUID: 0, client: nobody, loosen: true,
			logHas: fmt.Sprintf("uid %d (git-credential-): refused (uid %d is neither the agent's uid 0 nor root)", nobody, nobody)},
		{name: "root is answered (a container's processes, seen from the host)", agentUID: nobody, client: 0, answered: true,
			logHas: "uid 0 (git-credential-): answered"},
		{name: "the agent's own user is answered", agentUID: nobody, client: nobody, answered: true,
			logHas: fmt.Sprintf("uid %d (git-credential-): answered", nobody)},
		{name: "a client does not ask a socket another user owns", agentUID: nobody, client: other, loosen: true,
			clientErr: fmt.Sprintf("belongs to uid %d, not to you", nobody)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(shared, fmt.Sprint(i))
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1"}
			creds := filepath.Join(dir, "creds")
			store := exec.Command(exe, "--file", creds, "store")
			store.Env = vars
			store.Stdin = strings.NewReader("protocol=https\nhost=example.com\nusername=alice\npassword=" + token + "\n\n")
			if out, err := store.CombinedOutput(); err != nil {
				t.Fatalf("storing the token: %v\n%s", err, out)
			}
			for _, p := range []string{dir, creds} {
				if err := os.Chown(p, tc.agentUID, tc.agentUID); err != nil {
					t.Fatal(err)
				}
			}
			sockDir := filepath.Join(dir, "agent")
			socket := filepath.Join(sockDir, "sock")
			log := startAgentAs(t, tc.agentUID, vars, exe, "agent", "--file", creds, "--socket", socket, "--allow", "example.com/org", "--ttl", "10m")
			if tc.loosen {
				// The agent checked its directory when it started; loosen it
				// now, as a careless bind mount or chmod might.
				if err := os.Chmod(sockDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(socket, 0o777); err != nil {
					t.Fatal(err)
				}
			}

			argv := asUser(tc.client, exe, "--store", "agent", "get")
			get := exec.Command(argv[0], argv[1:]...)
			get.Env = append(vars, "GIT_CREDENTIAL_PAT_AGENT="+socket)
			get.Dir = "/"
			get.Stdin = strings.NewReader("protocol=https\nhost=example.com\npath=org/repo.git\n\n")
			var stdout, stderr strings.Builder
			get.Stdout, get.Stderr = &stdout, &stderr
			err := get.Run()
			if tc.clientErr != "" {
				if err == nil || !strings.Contains(stderr.String(), tc.clientErr) {
					t.Fatalf("client: err %v, stderr %q; want an error saying %q", err, stderr.String(), tc.clientErr)
				}
			} else if err != nil || stderr.Len() != 0 {
				t.Fatalf("client: %v\n%s", err, stderr.String())
			}
			if got := strings.Contains(stdout.String(), "password="+token); got != tc.answered {
				t.Fatalf("client got the token: %v, want %v (stdout %q)", got, tc.answered, stdout.String())
			}
			logText := waitLog(log, tc.logHas)
			t.Logf("agent log:\n%s", logText)
			if tc.logHas != "" && !strings.Contains(logText, tc.logHas) {
				t.Errorf("agent log lacks %q", tc.logHas)
			}
			if strings.Contains(logText, token) {
				t.Errorf("agent log shows the token")
			}
		})
	}
}
