package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// requireTool skips without the program, or fails under CI=true, where a
// missing one means a broken CI image (.ci/run installs it).
func requireTool(t *testing.T, name, pkg string) string {
	t.Helper()
	return testenv.Tool(t, name, "Debian package "+pkg)
}

// requireRoot skips unless the test runs as root (setpriv and a second
// user need it), or fails under CI=true, where the tests run as root.
func requireRoot(t *testing.T) {
	t.Helper()
	testenv.Root(t, "running clients as other users (setpriv)")
}

// sshServer is a real OpenSSH sshd on 127.0.0.1 with a throwaway host key,
// accepting one throwaway client key for the user running the test.
type sshServer struct {
	port int
	key  string // client private key
}

func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	sshd := requireTool(t, "sshd", "openssh-server")
	requireTool(t, "ssh", "openssh-client")
	keygen := requireTool(t, "ssh-keygen", "openssh-client")
	// sshd's privilege separation needs this directory; Debian's init
	// script would create it.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, k := range []string{"host_key", "client_key"} {
		out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k)).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	config := filepath.Join(dir, "sshd_config")
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
PidFile %s
`, port, filepath.Join(dir, "host_key"), filepath.Join(dir, "client_key.pub"), filepath.Join(dir, "sshd.pid"))
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var log gittest.SyncBuffer
	cmd := exec.Command(sshd, "-D", "-e", "-f", config)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd log:\n%s", log.String())
		}
	})
	// Wait until it accepts connections (or has exited).
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("sshd exited:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %d:\n%s", port, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &sshServer{port: port, key: filepath.Join(dir, "client_key")}
}

// run runs ssh with extra options (e.g. -R) and a remote command, with the
// local environment vars, and returns its output. ssh joins the remote
// words into one line for the remote shell, so each is quoted.
func (s *sshServer) run(t *testing.T, vars []string, opts []string, remote ...string) (stdout, stderr string, err error) {
	t.Helper()
	args := []string{"-F", "/dev/null", "-i", s.key, "-p", fmt.Sprint(s.port),
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		"-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes"}
	args = append(append(args, opts...), "127.0.0.1")
	quoted := make([]string, len(remote))
	for i, w := range remote {
		quoted[i] = shellQuote(w)
	}
	args = append(args, strings.Join(quoted, " "))
	cmd := exec.Command("ssh", args...)
	cmd.Env = vars
	cmd.Stdin = strings.NewReader("")
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	return o.String(), e.String(), err
}

// farScript writes a script that runs its arguments with far's
// environment: an ssh session starts with sshd's minimal one, so the far
// side's HOME, git settings and agent socket are set here, as a person's
// shell profile on the remote host would.
func farScript(t *testing.T, far *gittest.Env, socket string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	for _, kv := range far.Vars {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(v))
	}
	fmt.Fprintf(&b, "export GIT_CREDENTIAL_PAT_AGENT=%s\n", shellQuote(socket))
	// ssh binds the forwarded socket before it starts the command; wait
	// for it all the same rather than trust the order.
	b.WriteString("i=0; while [ ! -S \"$GIT_CREDENTIAL_PAT_AGENT\" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n")
	b.WriteString("cd \"$HOME\" && exec \"$@\"\n")
	p := filepath.Join(far.Home, "far.sh")
	if err := os.WriteFile(p, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// The agent's promise, end to end: git on a host reached over SSH pushes
// with the token stored here, through a forwarded socket, for the
// repositories the agent allows and no others; nothing the far side says
// changes the store here; the agent's log shows each request, never the
// token.
func TestAgentOverSSHForwarding(t *testing.T) {
	ssh := startSSHD(t)
	home := gittest.NewEnv(t)
	far := gittest.NewEnv(t)
	srv := gittest.StartServer(t)
	srv.Use(far)
	srv.Use(home)
	const token = "ghp_HomeOnlyToken"
	srv.AllowAnyUsername(token)
	srv.RestrictOwner("locked.git", "ghp_SomeOtherToken") // answers our token with 401
	allowedRepo := srv.NewRepo(t, "allowed")
	secretRepo := srv.NewRepo(t, "secret")
	lockedRepo := srv.NewRepo(t, "locked")
	hostPort := strings.TrimPrefix(srv.URL, "https://")

	// At home: the token in the file store, and the agent, detached.
	creds := filepath.Join(home.Home, "creds")
	credential(t, home, []string{"--file", creds}, "approve", "url="+srv.URL, "username=alice", "password="+token)
	before, err := os.ReadFile(creds)
	if err != nil {
		t.Fatal(err)
	}
	sockDir := filepath.Join(t.TempDir(), "agent")
	socket := filepath.Join(sockDir, "sock")
	out, stderr, code := runBin(t, home, "", "agent", "--file", creds, "--socket", socket, "--detach", "--ttl", "30m",
		"--allow", hostPort+"/allowed", "--allow", hostPort+"/locked")
	if code != 0 {
		t.Fatalf("agent --detach: exit %d\n%s", code, stderr)
	}
	t.Cleanup(func() { runBin(t, home, "", "agent", "--stop", "--socket", socket) })
	if !strings.Contains(out, "GIT_CREDENTIAL_PAT_AGENT="+socket+"; export GIT_CREDENTIAL_PAT_AGENT;") {
		t.Fatalf("agent did not print the line to export:\n%s", out)
	}
	if fi, err := os.Stat(sockDir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	logFile := socket + ".log"

	// The far side: only the helper line and useHttpPath, no token anywhere.
	far.MustGit(t, "", "", "config", "--global", "credential.helper", "")
	far.MustGit(t, "", "", "config", "--global", "--add", "credential.helper", bin+" --store agent")
	far.MustGit(t, "", "", "config", "--global", "credential.useHttpPath", "true")
	farSock := filepath.Join(far.Home, "pat-agent.sock")
	script := farScript(t, far, farSock)
	forward := []string{"-R", farSock + ":" + socket}
	onFar := func(args ...string) (string, string, error) {
		t.Helper()
		return ssh.run(t, home.Vars, forward, append([]string{"sh", script}, args...)...)
	}
	mustFar := func(args ...string) string {
		t.Helper()
		o, e, err := onFar(args...)
		if err != nil {
			t.Fatalf("on the far side: %s: %v\n%s", strings.Join(args, " "), err, e)
		}
		return o
	}

	// Allowed: clone, commit, push.
	work := filepath.Join(far.Home, "work")
	mustFar("git", "clone", "-q", allowedRepo, work)
	if err := os.WriteFile(filepath.Join(work, "far.txt"), []byte("pushed from the far side\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFar("git", "-C", work, "add", "far.txt")
	mustFar("git", "-C", work, "commit", "-q", "-m", "from the far side")
	mustFar("git", "-C", work, "push", "-q", "origin", "HEAD:main")
	check := filepath.Join(home.Home, "check")
	home.MustGit(t, "", "", append(helperArgs("--file", creds), "clone", "-q", allowedRepo, check)...)
	if _, err := os.Stat(filepath.Join(check, "far.txt")); err != nil {
		t.Fatalf("the far side's push did not arrive: %v", err)
	}

	// Not on the allow list: no token, so git has nothing to send.
	_, e, err := onFar("git", "clone", "-q", secretRepo, filepath.Join(far.Home, "secret"))
	if err == nil {
		t.Fatal("the far side cloned a repository outside the allow list")
	}
	if !strings.Contains(e, "Authentication failed") && !strings.Contains(e, "could not read Username") {
		t.Fatalf("clone outside the allow list failed otherwise:\n%s", e)
	}

	// A 401 on the far side: git erases; the agent reports it, home keeps it.
	if _, _, err := onFar("git", "ls-remote", lockedRepo); err == nil {
		t.Fatal("ls-remote of the locked repository succeeded")
	}
	// store and erase from the far side change nothing at home.
	mustFar("sh", "-c", "printf 'protocol=https\\nhost="+hostPort+"\\npath=allowed.git\\nusername=mallory\\npassword=ghp_FarSideToken\\n\\n' | git credential approve")
	mustFar("sh", "-c", "printf 'protocol=https\\nhost="+hostPort+"\\npath=allowed.git\\nusername=alice\\npassword="+token+"\\n\\n' | git credential reject")
	after, err := os.ReadFile(creds)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Fatalf("the far side changed the store at home:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// The token never landed on the far side's disk.
	filepath.Walk(far.Home, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), token) {
				t.Errorf("the token is in a file on the far side: %s", p)
			}
		}
		return nil
	})

	list, stderr, code := runBin(t, home, "", "agent", "--list", "--socket", socket)
	if code != 0 {
		t.Fatalf("agent --list: exit %d\n%s", code, stderr)
	}
	logData, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(logData)
	t.Logf("agent log:\n%s\nagent --list:\n%s", log, list)
	for _, text := range []string{log, list} {
		for _, want := range []string{
			"get https://" + hostPort + "/allowed.git from ",
			"(ssh): answered",
			"get https://" + hostPort + "/secret.git from ",
			"refused (not on the allow list)",
			"erase https://" + hostPort + "/locked.git from ",
			"store https://" + hostPort + "/allowed.git from ",
			"ignored",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("agent log or list lacks %q", want)
			}
		}
		for _, secret := range []string{token, "ghp_FarSideToken", "mallory"} {
			if strings.Contains(text, secret) {
				t.Errorf("agent log or list shows %q", secret)
			}
		}
	}
	// A store from the far side is only reported: no get goes with it
	// (it would ask --confirm a second time).
	if strings.Contains(log, "not found") {
		t.Errorf("the far side's store made the agent look up a token:\n%s", log)
	}
	if !strings.Contains(list, hostPort+"/allowed") || !strings.Contains(list, hostPort+"/locked") {
		t.Errorf("agent --list does not show the allow list:\n%s", list)
	}
	if fi, err := os.Stat(logFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("agent log mode: %v %v, want 0600", fi.Mode().Perm(), err)
	}

	// After agent --stop the far side gets nothing, at once.
	if _, stderr, code := runBin(t, home, "", "agent", "--stop", "--socket", socket); code != 0 {
		t.Fatalf("agent --stop: exit %d\n%s", code, stderr)
	}
	// (ssh itself says on its stderr that it could not connect; the
	// helper's stderr goes to a file of its own.)
	start := time.Now()
	helperErr := filepath.Join(far.Home, "helper.err")
	o, e, err := onFar("sh", "-c", "printf 'protocol=https\\nhost="+hostPort+"\\npath=allowed.git\\n\\n' | "+bin+" --store agent get 2>"+helperErr)
	if err != nil || o != "" {
		t.Fatalf("get with the agent stopped: err %v, stdout %q; want nothing\n%s", err, o, e)
	}
	if b, err := os.ReadFile(helperErr); err != nil || len(b) != 0 {
		t.Fatalf("get with the agent stopped wrote to stderr: %q (%v)", b, err)
	}
	t.Logf("get with the agent stopped answered nothing in %s", time.Since(start).Round(time.Millisecond))
	if _, err := os.Stat(socket); !os.IsNotExist(err) {
		t.Errorf("the agent left its socket behind: %v", err)
	}
}

// With no agent to reach, --store agent answers nothing, at once and
// without a word, so a chain moves on to the next store.
func TestAgentUnreachableAnswersNothing(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close() // the file stays; nobody listens: what a dead agent leaves
	const get = "protocol=https\nhost=example.com\npath=org/repo.git\n\n"
	for _, tc := range []struct {
		name, socket string
	}{
		{"no socket configured", ""},
		{"no such socket", filepath.Join(dir, "missing.sock")},
		{"a socket nobody listens on", stale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.Setenv("GIT_CREDENTIAL_PAT_AGENT", tc.socket)
			e.Setenv("GIT_CREDENTIAL_PAT_TOKEN", "")
			out, stderr, code := runBin(t, e, get, "--store", "agent", "get")
			if code != 0 || out != "" || stderr != "" {
				t.Fatalf("--store agent: exit %d, stdout %q, stderr %q; want nothing", code, out, stderr)
			}
			e.Setenv("GIT_CREDENTIAL_PAT_TOKEN", "ghp_FromTheEnvironment")
			e.Setenv("GIT_CREDENTIAL_PAT_HOST", "example.com")
			out, stderr, code = runBin(t, e, get, "--store", "agent,env", "get")
			if code != 0 || !strings.Contains(out, "password=ghp_FromTheEnvironment") {
				t.Fatalf("--store agent,env: exit %d, stdout %q, stderr %q; want the env token", code, out, stderr)
			}
		})
	}
}

// The agent will not start without limits that make sense, and says what
// to do instead.
func TestAgentRefusesToStart(t *testing.T) {
	e := gittest.NewEnv(t)
	loose := filepath.Join(t.TempDir(), "loose")
	if err := os.Mkdir(loose, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "a", "sock")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing allowed", []string{"--socket", sock}, "nothing is allowed"},
		{"another scheme", []string{"--socket", sock, "--allow", "ssh://github.com"}, "only https:// (the default) or http://"},
		{"confirm needs a terminal the detached agent lacks", []string{"--socket", sock, "--allow", "github.com", "--confirm", "--detach"}, "drop --detach"},
		{"a socket directory others can reach into", []string{"--socket", filepath.Join(loose, "sock"), "--allow", "github.com"}, "chmod 700 " + loose},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runBin(t, e, "", append([]string{"agent"}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("agent %s: exit %d, stderr %q; want an error saying %q", strings.Join(tc.args, " "), code, stderr, tc.want)
			}
		})
	}
}

// --ttl ends the agent, which removes its sockets on the way out.
func TestAgentTTL(t *testing.T) {
	e := gittest.NewEnv(t)
	creds := filepath.Join(e.Home, "creds")
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	cmd := exec.Command(bin, "agent", "--file", creds, "--socket", socket, "--allow", "github.com", "--ttl", "1s")
	cmd.Env = e.Vars
	var stdout, log gittest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("agent: %v\n%s", err, log.String())
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("agent outlived --ttl 1s:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "exiting: lifetime over (--ttl 1s)") {
		t.Errorf("agent log does not say why it stopped:\n%s", log.String())
	}
	if !strings.HasPrefix(stdout.String(), "GIT_CREDENTIAL_PAT_AGENT=") {
		t.Errorf("agent did not print the line to export: %q", stdout.String())
	}
	for _, p := range []string{socket, socket + ".ctl"} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", p, err)
		}
	}
}

// Without store flags the agent answers each request from the store git
// here would use for its URL: the URL-scoped line's for its host, the
// plain line's for others (and not the plain line's for every host).
func TestAgentAnswersFromTheStoreGitUsesForTheHost(t *testing.T) {
	e := gittest.NewEnv(t)
	plain, scoped := filepath.Join(e.Home, "plain"), filepath.Join(e.Home, "scoped")
	writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", plain))+
		"\n[credential \"https://example.com\"]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--file", scoped))+"\n")
	for file, hosts := range map[string][]string{plain: {"example.com", "other.example"}, scoped: {"example.com"}} {
		for _, h := range hosts {
			runBin(t, e, "protocol=https\nhost="+h+"\nusername=u\npassword=tok-"+filepath.Base(file)+"-"+h+"\n", "--file", file, "store")
		}
	}
	// git's own answers, which the agent's must match.
	for host, want := range map[string]string{"example.com": "tok-scoped-example.com", "other.example": "tok-plain-other.example"} {
		if out := e.MustGit(t, e.Home, "url=https://"+host+"/acme/app.git\n\n", "credential", "fill"); !strings.Contains(out, "password="+want+"\n") {
			t.Fatalf("git credential fill for %s = %q", host, out)
		}
	}
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	startAgentAs(t, 0, e.Vars, bin, "agent", "--socket", socket, "--allow", "example.com", "--allow", "other.example")
	for host, want := range map[string]string{"example.com": "tok-scoped-example.com", "other.example": "tok-plain-other.example"} {
		out, stderr, code := runBin(t, e, "protocol=https\nhost="+host+"\n\n", "--store", "agent", "--socket", socket, "get")
		if code != 0 || !strings.Contains(out, "password="+want+"\n") {
			t.Errorf("agent's answer for %s: exit %d, %q %q; want %s", host, code, out, stderr, want)
		}
	}
}

// A helper line whose store list names the agent too does not make the
// agent ask itself (its socket is often the GIT_CREDENTIAL_PAT_AGENT of
// the shell it was started from): the far side's get is asked once.
func TestAgentDoesNotAskItself(t *testing.T) {
	e := gittest.NewEnv(t)
	file := filepath.Join(e.Home, "creds")
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--store", "file,agent", "--file", file))+"\n")
	runBin(t, e, "protocol=https\nhost=example.com\nusername=u\npassword=tok-home\n", "--file", file, "store")
	e.Setenv("GIT_CREDENTIAL_PAT_AGENT", socket)
	log := startAgentAs(t, 0, e.Vars, bin, "agent", "--socket", socket, "--allow", "example.com", "--allow", "other.example")
	for host, want := range map[string]string{"example.com": "password=tok-home\n", "other.example": ""} {
		out, stderr, code := runBin(t, e, "protocol=https\nhost="+host+"\n\n", "--store", "agent", "--socket", socket, "get")
		if code != 0 || want != "" && !strings.Contains(out, want) || want == "" && out != "" {
			t.Errorf("agent's answer for %s: exit %d, %q %q; want %q", host, code, out, stderr, want)
		}
	}
	const asked = "get https://other.example from"
	if logText := waitLog(log, asked); strings.Count(logText, asked) != 1 {
		t.Fatalf("the agent was asked %d times for other.example; want once:\n%s", strings.Count(logText, asked), logText)
	}
}

// As git's fill goes on to the next helper when one fails, so does the
// agent: a first line whose store cannot be read does not hide the token
// in the next line's.
func TestAgentGoesOnPastAFailingStore(t *testing.T) {
	e := gittest.NewEnv(t)
	broken, file := t.TempDir(), filepath.Join(e.Home, "creds") // a directory is no credentials file
	writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--file", broken))+"\n\thelper = "+quoteConfig(helperLine("--file", file))+"\n")
	runBin(t, e, "protocol=https\nhost=example.com\nusername=u\npassword=tok-second\n", "--file", file, "store")
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	startAgentAs(t, 0, e.Vars, bin, "agent", "--socket", socket, "--allow", "example.com")
	out, stderr, code := runBin(t, e, "protocol=https\nhost=example.com\n\n", "--store", "agent", "--socket", socket, "get")
	if code != 0 || !strings.Contains(out, "password=tok-second\n") {
		t.Fatalf("agent's answer: exit %d, %q %q", code, out, stderr)
	}
}

// When git here runs only a read-only line of ours (--store env), the
// agent answers what that line gives a git here, and nothing from the
// default file store, which git here never reads. Regression test: the
// agent passed over read-only lines and answered from the default store.
func TestAgentFollowsAReadOnlyLineGitRuns(t *testing.T) {
	e := gittest.NewEnv(t)
	tokenEnv(e, "GIT_CREDENTIAL_PAT_TOKEN", "tok-env", "GIT_CREDENTIAL_PAT_HOST", "example.com")
	writeGlobal(t, e, "[credential]\n\thelper = "+quoteConfig(helperLine("--store", "env"))+"\n")
	// Tokens in the default store, which git here does not use.
	for _, h := range []string{"example.com", "other.example"} {
		runBin(t, e, "protocol=https\nhost="+h+"\nusername=u\npassword=tok-default-"+h+"\n", "store")
	}
	if out := e.MustGit(t, e.Home, "url=https://example.com/acme/app.git\n\n", "credential", "fill"); !strings.Contains(out, "password=tok-env\n") {
		t.Fatalf("git credential fill = %q: the test's configuration is off", out)
	}
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	startAgentAs(t, 0, e.Vars, bin, "agent", "--socket", socket, "--allow", "example.com", "--allow", "other.example")
	for host, want := range map[string]string{"example.com": "password=tok-env\n", "other.example": ""} {
		out, stderr, code := runBin(t, e, "protocol=https\nhost="+host+"\n\n", "--store", "agent", "--socket", socket, "get")
		if code != 0 || want != "" && !strings.Contains(out, want) || want == "" && out != "" {
			t.Errorf("agent's answer for %s: exit %d, %q %q; want %q", host, code, out, stderr, want)
		}
	}
}

// git stores every credential that worked on every helper, and git before
// 2.46 hands back no state[] to tell it from a new one. On the far side, a
// helper line whose store list names a writable store beside the agent
// (agent,file or file,agent) must not copy the agent's token there, where
// it would outlive the agent's --ttl; a token that did not come from the
// agent is stored as before.
func TestAgentTokenNotCopiedToFarSideStores(t *testing.T) {
	home := gittest.NewEnv(t)
	homeFile := filepath.Join(home.Home, "creds")
	runBin(t, home, "protocol=https\nhost=example.com\nusername=u\npassword=tok-home\n", "--file", homeFile, "store")
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	startAgentAs(t, 0, home.Vars, bin, "agent", "--file", homeFile, "--socket", socket, "--allow", "example.com")
	for _, stores := range []string{"agent,file", "file,agent"} {
		t.Run(stores, func(t *testing.T) {
			far := gittest.NewEnv(t)
			farFile := filepath.Join(far.Home, "farcreds")
			flags := []string{"--store", stores, "--socket", socket, "--file", farFile}
			out := credential(t, far, flags, "fill", "url=https://example.com/o/r.git")
			if !strings.Contains(out, "password=tok-home\n") {
				t.Fatalf("fill: %q", out)
			}
			credential(t, far, flags, "approve", strings.Split(strings.TrimSpace(out), "\n")...)
			if b, err := os.ReadFile(farFile); err == nil && strings.Contains(string(b), "tok-home") {
				t.Fatalf("the agent's token was written on the far side:\n%s", b)
			}
			// Another token for the same request is the far side's own.
			credential(t, far, flags, "approve", "url=https://example.com/o/r.git", "username=u", "password=tok-far")
			if b, _ := os.ReadFile(farFile); !strings.Contains(string(b), "tok-far") || strings.Contains(string(b), "tok-home") {
				t.Fatalf("far side's file after storing its own token:\n%s", b)
			}
		})
	}
}
