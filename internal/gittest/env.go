// Package gittest lets tests drive the real git binary against a local
// HTTPS smart-git server, isolated from the machine's git configuration.
package gittest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// gitTimeout bounds every git run so a stuck prompt or server cannot hang
// the whole test binary.
const gitTimeout = 2 * time.Minute

// Env is an isolated environment for running git.
type Env struct {
	Home string   // temp HOME; also the default working directory
	Vars []string // full environment given to child processes

	askpassLog string
}

// RequireGit skips the test when git or git-http-backend is missing, or
// fails it when CI=true, where a missing git means a broken CI image.
func RequireGit(t testing.TB) {
	t.Helper()
	if _, err := backendPath(); err != nil {
		testenv.Unavailable(t, "gittest: %v", err)
	}
}

// backendPath locates git-http-backend, which also proves git is present.
func backendPath() (string, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(git, "--exec-path").Output()
	if err != nil {
		return "", err
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// NewEnv creates temp HOME/XDG directories and an environment that hides
// the system and user git config, inherited GIT_* variables and any
// desktop prompt helpers. Everything is removed by t.Cleanup.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	RequireGit(t)
	root := t.TempDir()
	dir := func(name string, perm os.FileMode) string {
		p := filepath.Join(root, name)
		if err := os.Mkdir(p, perm); err != nil {
			t.Fatal(err)
		}
		return p
	}
	e := &Env{Home: dir("home", 0o755), askpassLog: filepath.Join(root, "askpass.log")}

	// git still runs GIT_ASKPASS when GIT_TERMINAL_PROMPT=0, so point it at a
	// script that records the prompt and refuses to answer.
	askpass := filepath.Join(root, "askpass.sh")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + shellQuote(e.askpassLog) + "\nexit 1\n"
	if err := os.WriteFile(askpass, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || dropVars[k] {
			continue
		}
		e.Vars = append(e.Vars, kv)
	}
	for _, kv := range [][2]string{
		{"HOME", e.Home},
		{"XDG_CONFIG_HOME", dir("config", 0o755)},
		{"XDG_CACHE_HOME", dir("cache", 0o755)},
		{"XDG_DATA_HOME", dir("data", 0o755)},
		{"XDG_RUNTIME_DIR", dir("runtime", 0o700)},
		{"GIT_CONFIG_NOSYSTEM", "1"},
		{"GIT_TERMINAL_PROMPT", "0"},
		// login must never call a real forge API from tests; tests of
		// verification point GIT_CREDENTIAL_PAT_API_URL at a fake one.
		{"GIT_CREDENTIAL_PAT_VERIFY", "0"},
		// doctor's advice for CI, WSL and containers depends on the machine
		// the tests run on; pin it (cli tests cover the detection).
		{"GIT_CREDENTIAL_PAT_ENVIRONMENT", "desktop"},
		{"GIT_ASKPASS", askpass},
		{"GIT_AUTHOR_NAME", "Gittest Author"},
		{"GIT_AUTHOR_EMAIL", "author@example.com"},
		{"GIT_COMMITTER_NAME", "Gittest Committer"},
		{"GIT_COMMITTER_EMAIL", "committer@example.com"},
		{"LC_ALL", "C"}, // stable, untranslated git messages for assertions
	} {
		e.Setenv(kv[0], kv[1])
	}
	return e
}

// dropVars are non-GIT_ variables that would let git reach outside the
// sandbox: prompt helpers, the desktop keyring bus, proxies for 127.0.0.1.
var dropVars = map[string]bool{
	"SSH_ASKPASS": true, "DBUS_SESSION_BUS_ADDRESS": true,
	"http_proxy": true, "https_proxy": true, "HTTPS_PROXY": true,
	"ALL_PROXY": true, "all_proxy": true,
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// SetenvAll adds or overrides every KEY=VALUE in kvs (for example a test
// keyring's environment).
func (e *Env) SetenvAll(kvs []string) {
	for _, kv := range kvs {
		key, value, _ := strings.Cut(kv, "=")
		e.Setenv(key, value)
	}
}

// Setenv adds key=value to Vars, replacing any existing value.
func (e *Env) Setenv(key, value string) {
	for i, kv := range e.Vars {
		if strings.HasPrefix(kv, key+"=") {
			e.Vars[i] = key + "=" + value
			return
		}
	}
	e.Vars = append(e.Vars, key+"="+value)
}

// Getenv returns the value of key in Vars, or "".
func (e *Env) Getenv(key string) string {
	for _, kv := range e.Vars {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// Git runs the real git with e.Vars in dir ("" means e.Home). stdin is
// always given explicitly so git never reads the test process's stdin.
func (e *Env) Git(t testing.TB, dir, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	if dir == "" {
		dir = e.Home
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = e.Vars
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second // don't wait forever on grandchildren holding pipes
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// MustGit is Git that fails the test, showing stderr, when git fails.
func (e *Env) MustGit(t testing.TB, dir, stdin string, args ...string) string {
	t.Helper()
	stdout, stderr, err := e.Git(t, dir, stdin, args...)
	if err != nil {
		t.Fatalf("git %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

// AskpassCalls returns the prompts git tried to show through GIT_ASKPASS,
// one per call, in order.
func (e *Env) AskpassCalls() []string {
	b, err := os.ReadFile(e.askpassLog)
	if err != nil || len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
