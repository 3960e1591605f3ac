package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// A helper line of a read-only store (--store agent, env) that git runs
// first is not the one commands act on: login and logout use the next line
// of ours, and say so. The agent's --socket is not a cache daemon's, so
// logout sends the agent nothing: no forget, no erase, no get.
func TestCommandsPassOverReadOnlyLines(t *testing.T) {
	token := cmdsToken("ghp_", rand1)
	for _, tc := range []struct {
		name  string
		first []string // the read-only line git runs first
	}{
		{"agent line first", []string{"--store", "agent", "--socket", "SOCKET"}},
		{"agent,env line first", []string{"--store", "agent,env", "--socket", "SOCKET"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gittest.NewEnv(t)
			dir := t.TempDir()
			agentCreds, file := filepath.Join(dir, "agent.creds"), filepath.Join(dir, "file.creds")
			socket := filepath.Join(dir, "agent", "sock")
			// The agent holds a token of its own for the host, so a get
			// through it would be answered (and logged).
			credential(t, e, []string{"--file", agentCreds}, "approve", "url=https://github.com", "username=x-access-token", "password="+cmdsToken("ghp_", rand2))
			if tr := cmdsRun(t, e, dir, "", "agent", "--detach", "--file", agentCreds, "--socket", socket, "--allow", "github.com", "--ttl", "1h"); tr.code != 0 {
				t.Fatalf("agent --detach: %+v", tr)
			}
			t.Cleanup(func() { cmdsRun(t, e, dir, "", "agent", "--stop", "--socket", socket) })

			first := helperLine(strings.Split(strings.ReplaceAll(strings.Join(tc.first, "\x00"), "SOCKET", socket), "\x00")...)
			writeGlobal(t, e, "[credential]\n\thelper =\n\thelper = "+quoteConfig(first)+
				"\n\thelper = "+quoteConfig(helperLine("--file", file))+"\n")

			tr := cmdsRun(t, e, dir, token, "login", "--host", "github.com", "--no-verify")
			note := "this uses the first one whose store a command can change (1 only read, --store agent or env): " + helperLine("--file", file)
			if tr.code != 0 || !strings.Contains(tr.stderr, note) {
				t.Fatalf("login: %+v; want the note %q", tr, note)
			}
			assertEntries(t, file, 1)
			tr = cmdsRun(t, e, dir, "", "logout", "--host", "github.com")
			if tr.code != 0 || !strings.Contains(tr.stdout, "Removed https://x-access-token@github.com") || !strings.Contains(tr.stderr, note) {
				t.Fatalf("logout: %+v", tr)
			}
			assertEntries(t, file, 0)

			stopAgentAskedNothing(t, e, dir, socket)
		})
	}
}

// When every line of ours git runs for the host only reads (--store env
// in CI or a container), login and rotate refuse and write nothing: a
// token in the default file would sit on disk where git never looks. A
// store named on the command line is the user's choice.
func TestLoginRefusesWhenGitOnlyReads(t *testing.T) {
	token := cmdsToken("ghp_", rand1)
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	writeGlobal(t, e, "[credential]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--store", "env"))+"\n")
	for _, cmd := range []string{"login", "rotate"} {
		tr := cmdsRun(t, e, dir, token, cmd, "--host", "github.com", "--no-verify")
		if tr.code == 0 || !strings.Contains(tr.stderr, "no command writes them") || !strings.Contains(tr.stderr, "nothing was stored") {
			t.Fatalf("%s: %+v; want a refusal", cmd, tr)
		}
		if strings.Contains(tr.stdout+tr.stderr, token) {
			t.Fatalf("%s printed the token", cmd)
		}
		assertNothingStored(t, e)
	}
	file := filepath.Join(dir, "chosen.creds")
	if tr := cmdsRun(t, e, dir, token, "--file", file, "login", "--host", "github.com", "--no-verify"); tr.code != 0 {
		t.Fatalf("login with a store named: %+v", tr)
	}
	assertEntries(t, file, 1)
}

// doctor reads, so it checks the store git runs even when that store only
// reads (--store env in CI and containers): not the default file, which
// git never looks at, and no advice to rerun it with --store env.
// Regression test: it checked the file store and said to rerun.
func TestDoctorChecksTheReadOnlyStoreGitRuns(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	tokenEnv(e, "GH_TOKEN", cmdsToken("ghp_", rand1))
	writeGlobal(t, e, "[credential]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--store", "env"))+"\n")
	tr := cmdsRun(t, e, dir, "", "doctor")
	if !strings.Contains(tr.stdout, "store env answers") {
		t.Fatalf("doctor did not check the env store:\n%s\n%s", tr.stdout, tr.stderr)
	}
	for _, bad := range []string{"store file", "but this check looked at", "default store"} {
		if strings.Contains(tr.stdout+tr.stderr, bad) {
			t.Fatalf("doctor output has %q:\n%s\n%s", bad, tr.stdout, tr.stderr)
		}
	}
}

// doctor on the far side of an agent says whether one answers: the agent
// store answers nothing when none does (so a chain moves on), which a
// probe get cannot tell from an agent with no token. It asks the agent
// nothing. Regression test: "store agent answers" with no agent at all.
func TestDoctorSaysWhetherAnAgentAnswers(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	socket := filepath.Join(dir, "agent", "sock")
	e.Setenv("GIT_CREDENTIAL_PAT_AGENT", "")
	writeGlobal(t, e, "[credential]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--store", "agent"))+"\n")

	tr := cmdsRun(t, e, dir, "", "doctor")
	if !strings.Contains(tr.stdout, "warn  store          store agent: no agent to ask: GIT_CREDENTIAL_PAT_AGENT is not set") {
		t.Fatalf("doctor without an agent:\n%s%s", tr.stdout, tr.stderr)
	}
	e.Setenv("GIT_CREDENTIAL_PAT_AGENT", socket)
	if tr := cmdsRun(t, e, dir, "", "doctor"); !strings.Contains(tr.stdout, "store agent: no agent answers at "+socket) {
		t.Fatalf("doctor with a socket nobody listens on:\n%s%s", tr.stdout, tr.stderr)
	}

	// What ssh -R leaves when the agent behind it is gone: a socket that
	// accepts, then hangs up.
	gone := filepath.Join(dir, "gone.sock")
	ln, err := net.Listen("unix", gone)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	e.Setenv("GIT_CREDENTIAL_PAT_AGENT", gone)
	if tr := cmdsRun(t, e, dir, "", "doctor"); !strings.Contains(tr.stdout, "store agent: no agent answers at "+gone) {
		t.Fatalf("doctor with a forwarded socket and no agent behind it:\n%s%s", tr.stdout, tr.stderr)
	}
	e.Setenv("GIT_CREDENTIAL_PAT_AGENT", socket)

	creds := filepath.Join(dir, "creds")
	if tr := cmdsRun(t, e, dir, "", "agent", "--detach", "--file", creds, "--socket", socket, "--allow", "github.com", "--ttl", "1h"); tr.code != 0 {
		t.Fatalf("agent --detach: %+v", tr)
	}
	t.Cleanup(func() { cmdsRun(t, e, dir, "", "agent", "--stop", "--socket", socket) })
	tr = cmdsRun(t, e, dir, "", "doctor")
	if !strings.Contains(tr.stdout, "ok    store          store agent: an agent answers at "+socket) || strings.Contains(tr.stdout, "warn  store") {
		t.Fatalf("doctor with an agent:\n%s%s", tr.stdout, tr.stderr)
	}
	stopAgentAskedNothing(t, e, dir, socket)
}

// stopAgentAskedNothing stops the agent at socket and fails the test if
// its log has a line other than its start and stop: it was asked
// something.
func stopAgentAskedNothing(t *testing.T, e *gittest.Env, dir, socket string) {
	t.Helper()
	if tr := cmdsRun(t, e, dir, "", "agent", "--stop", "--socket", socket); tr.code != 0 {
		t.Fatalf("agent --stop: %+v", tr)
	}
	log, err := os.ReadFile(socket + ".log")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		if !strings.Contains(l, "agent pid ") {
			t.Errorf("the agent was asked something: %s\nlog:\n%s", l, log)
		}
	}
}

// With a plain env line and a URL-scoped file line, doctor still checks
// the file store, which holds tokens (and their expiry), as before the
// read-only line counted. From an independent review.
func TestDoctorPrefersAURLScopedStoreThatHoldsTokens(t *testing.T) {
	e := gittest.NewEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "gh-creds")
	writeGlobal(t, e, "[credential]\n\thelper =\n\thelper = "+quoteConfig(helperLine("--store", "env"))+"\n"+
		"[credential \"https://github.com\"]\n\thelper = "+quoteConfig(helperLine("--file", file))+"\n")
	tr := cmdsRun(t, e, dir, "", "doctor")
	if !strings.Contains(tr.stdout, "store file: "+file) {
		t.Fatalf("doctor did not check the URL-scoped file store:\n%s%s", tr.stdout, tr.stderr)
	}
}
