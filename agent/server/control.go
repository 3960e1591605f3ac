package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/git-credential-pat/git-credential-pat/agent"
	"github.com/git-credential-pat/git-credential-pat/agent/internal/wire"
)

// dialTimeout bounds connecting to the control socket, as the client
// (package agent) bounds connecting to the answer socket.
const dialTimeout = 2 * time.Second

// List asks the agent on socket what it allows and what it was asked.
func List(socket string) (*Info, error) {
	r, err := controlCall(socket, wire.ActList)
	if err != nil {
		return nil, err
	}
	if r.Info == nil {
		return nil, errors.New("agent: the agent sent no list")
	}
	return r.Info, nil
}

// Stop asks the agent on socket to exit.
func Stop(socket string) error {
	_, err := controlCall(socket, wire.ActStop)
	return err
}

func controlCall(socket, action string) (wire.Reply, error) {
	ctl := ControlSocket(socket)
	conn, err := net.DialTimeout("unix", ctl, dialTimeout)
	if err != nil {
		return wire.Reply{}, fmt.Errorf("agent: no agent to ask at %s (%v); agent --list and --stop work on the machine that runs the agent, with its --socket or %s", ctl, err, agent.SocketEnv)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * ioTimeout))
	if err := send(conn, wire.Request{Action: action}); err != nil {
		return wire.Reply{}, fmt.Errorf("agent: sending %s: %w", action, err)
	}
	var r wire.Reply
	if err := receive(conn, wire.MaxReply, &r); err != nil {
		return wire.Reply{}, fmt.Errorf("agent: reading the reply to %s: %w", action, err)
	}
	if r.Status != wire.StOK {
		return r, fmt.Errorf("agent at %s: %s", socket, r.Error)
	}
	return r, nil
}

// TerminalConfirm asks questions on out and reads y/N answers from in
// (the agent's terminal). A question left unanswered for ConfirmTimeout is
// a no; so is anything but y or yes.
func TerminalConfirm(in io.Reader, out io.Writer) func(ctx context.Context, question string) bool {
	return terminalConfirm(in, out, ConfirmTimeout)
}

func terminalConfirm(in io.Reader, out io.Writer, timeout time.Duration) func(context.Context, string) bool {
	lines := make(chan string, 16)
	var once sync.Once
	start := func() {
		go func() {
			sc := bufio.NewScanner(in)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
	}
	return func(ctx context.Context, question string) bool {
		once.Do(start)
		// Answers typed before the question are not answers to it.
	drain:
		for {
			select {
			case _, ok := <-lines:
				if !ok {
					break drain
				}
			default:
				break drain
			}
		}
		fmt.Fprint(out, question)
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintln(out, "(no terminal to answer on: refused)")
				return false
			}
			a := strings.ToLower(strings.TrimSpace(l))
			return a == "y" || a == "yes"
		case <-t.C:
			fmt.Fprintf(out, "\n(no answer in %s: refused)\n", timeout)
		case <-ctx.Done():
			fmt.Fprintln(out, "\n(agent stopping: refused)")
		}
		return false
	}
}
