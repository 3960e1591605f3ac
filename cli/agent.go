package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/git-credential-pat/git-credential-pat/agent"
	"github.com/git-credential-pat/git-credential-pat/agent/server"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/unixsock"
)

// AgentOptions are the agent command's flags.
type AgentOptions struct {
	Socket  string   // --socket; "" = server.DefaultSocket (for --list/--stop: $GIT_CREDENTIAL_PAT_AGENT first)
	Allow   []string // --allow HOST[/PATH], repeatable
	TTL     time.Duration
	Confirm bool
	Detach  bool
	LogFile string // "" = stderr in the foreground, SOCKET.log detached
	List    bool
	Stop    bool

	// OpenStore opens the store the agent answers from.
	OpenStore func() (credential.Store, error)
	// Args is this command line (os.Args[1:]), run again for --detach.
	Args []string

	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// agentReadyEnv names the pipe on which a detached agent reports that it
// listens (see unixsock.Spawn).
const agentReadyEnv = "GIT_CREDENTIAL_PAT_AGENT_READY_FD"

// Agent runs, lists or stops the agent.
func Agent(ctx context.Context, o AgentOptions) error {
	switch {
	case o.List && o.Stop:
		return errors.New("agent: --list and --stop do not go together; run one, then the other")
	case o.List:
		return agentList(o)
	case o.Stop:
		socket, err := agentSocket(o, true)
		if err != nil {
			return err
		}
		if err := server.Stop(socket); err != nil {
			return err
		}
		fmt.Fprintf(o.Stdout, "agent on %s stopped\n", socket)
		return nil
	}
	rules := make([]server.Rule, 0, len(o.Allow))
	for _, a := range o.Allow {
		r, err := server.ParseRule(a)
		if err != nil {
			return fmt.Errorf("agent: %w", err)
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return errors.New("agent: nothing is allowed: name what the far side may get a token for, for example: git-credential-pat agent --allow github.com/my-org")
	}
	if o.TTL < 0 {
		return errors.New("agent: --ttl must not be negative (0 means until agent --stop)")
	}
	socket, err := agentSocket(o, false)
	if err != nil {
		return err
	}
	if o.Detach {
		return agentDetach(o, socket)
	}
	return agentServe(ctx, o, socket, rules)
}

// agentSocket is --socket, else (for --list and --stop) the exported
// $GIT_CREDENTIAL_PAT_AGENT, else the default.
func agentSocket(o AgentOptions, running bool) (string, error) {
	if o.Socket != "" {
		return o.Socket, nil
	}
	if v := os.Getenv(agent.SocketEnv); running && v != "" {
		return v, nil
	}
	return server.DefaultSocket()
}

// agentServe runs the agent in this process until it stops.
func agentServe(ctx context.Context, o AgentOptions, socket string, rules []server.Rule) error {
	ready := unixsock.ReadyPipe(agentReadyEnv) // set when started by --detach
	fail := func(err error) error {
		if ready != nil {
			ready.WriteString(strings.ReplaceAll(err.Error(), "\n", " ") + "\n")
			ready.Close()
		}
		return err
	}
	store, err := o.OpenStore()
	if err != nil {
		return fail(err)
	}
	cfg := server.Config{Socket: socket, Allow: rules, TTL: o.TTL, Store: store, Log: o.Stderr}
	if o.Confirm {
		in, out, closeTTY, err := agentTerminal(o)
		if err != nil {
			return fail(err)
		}
		defer closeTTY()
		cfg.Confirm = server.TerminalConfirm(in, out)
	}
	if o.LogFile != "" {
		// Once the socket directory exists: the default log lives there.
		if err := server.MakeSocketDir(socket); err != nil {
			return fail(err)
		}
		f, err := os.OpenFile(o.LogFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fail(fmt.Errorf("agent: opening the log: %w (choose another --log)", err))
		}
		defer f.Close()
		cfg.Log = f
	}
	srv, err := server.Listen(cfg)
	if err != nil {
		return fail(err)
	}
	sigs := []os.Signal{syscall.SIGTERM, syscall.SIGINT}
	if ready != nil {
		signal.Ignore(syscall.SIGHUP) // detached: outlive the terminal it was started from
	} else {
		sigs = append(sigs, syscall.SIGHUP) // in the foreground: stop, tidily, with its terminal
	}
	ctx, stop := signal.NotifyContext(ctx, sigs...)
	defer stop()
	if ready != nil {
		ready.WriteString("ok\n")
		ready.Close()
	} else {
		fmt.Fprint(o.Stdout, exportLines(srv.Socket(), os.Getpid()))
	}
	return srv.Serve(ctx)
}

// agentTerminal is where --confirm asks: stdin and stderr when stdin is a
// terminal, else /dev/tty.
func agentTerminal(o AgentOptions) (io.Reader, io.Writer, func(), error) {
	if f, ok := o.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f, o.Stderr, func() {}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("agent: --confirm asks on the agent's terminal, and there is none (%v); run the agent in a terminal, without --detach", err)
	}
	return tty, tty, func() { tty.Close() }, nil
}

// agentDetach starts this command again in the background, waits until it
// listens, and prints what to export, as ssh-agent does.
func agentDetach(o AgentOptions, socket string) error {
	if o.Confirm {
		return errors.New("agent: --confirm asks on the agent's terminal, which a detached agent does not have; drop --detach (run it in a terminal of its own) or drop --confirm")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("agent: finding this program to start it detached: %w", err)
	}
	logFile := o.LogFile
	if logFile == "" {
		logFile = socket + ".log"
	}
	args := append(append([]string(nil), o.Args...), "--detach=false", "--log", logFile)
	msg, pid, err := unixsock.Spawn(exe, args, agentReadyEnv, time.Now().Add(30*time.Second))
	switch {
	case err != nil:
		return fmt.Errorf("agent: %w", err)
	case msg == "":
		return fmt.Errorf("agent: the detached agent exited before listening; its log is %s", logFile)
	case msg != "ok\n":
		return errors.New(strings.TrimSpace(msg))
	}
	fmt.Fprint(o.Stdout, exportLines(socket, pid))
	fmt.Fprintf(o.Stdout, "echo Agent log %s;\n", shellWord(logFile))
	return nil
}

// exportLines are what ssh-agent prints: eval them in a shell.
func exportLines(socket string, pid int) string {
	return fmt.Sprintf("%s=%s; export %s;\necho Agent pid %d;\n", agent.SocketEnv, shellWord(socket), agent.SocketEnv, pid)
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func agentList(o AgentOptions) error {
	socket, err := agentSocket(o, true)
	if err != nil {
		return err
	}
	in, err := server.List(socket)
	if err != nil {
		return err
	}
	w := o.Stdout
	until := "until agent --stop"
	if !in.Expires.IsZero() {
		until = "until " + in.Expires.UTC().Format(time.RFC3339)
	}
	confirm := "off"
	if in.Confirm {
		confirm = "on"
	}
	fmt.Fprintf(w, "agent pid %d on %s\n", in.PID, in.Socket)
	fmt.Fprintf(w, "running since %s, %s; --confirm %s\n", in.Started.UTC().Format(time.RFC3339), until, confirm)
	fmt.Fprintln(w, "allowed:")
	for _, a := range in.Allow {
		fmt.Fprintf(w, "  %s\n", a)
	}
	if len(in.Requests) == 0 {
		fmt.Fprintln(w, "requests: none yet")
		return nil
	}
	fmt.Fprintln(w, "requests (oldest first):")
	for _, e := range in.Requests {
		line := fmt.Sprintf("  %s %s %s from %s: %s", e.Time.UTC().Format(time.RFC3339), e.Action, e.URL, e.Peer, e.Result)
		if e.Reason != "" {
			line += " (" + e.Reason + ")"
		}
		fmt.Fprintln(w, credential.Printable(line)) // the far side chose its action and URL
	}
	return nil
}
