package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/cli"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// agentCmd runs the agent that answers for containers and remote hosts.
func agentCmd() command {
	var o cli.AgentOptions
	return command{
		summary: "answer gets for containers and SSH hosts on a forwardable socket, for allowed hosts only (like ssh-agent)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringArrayVar(&o.Allow, "allow", nil, "`HOST[/PATH]` the far side may get a token for; repeat for more (nothing is allowed unless listed)")
			fs.DurationVar(&o.TTL, "ttl", 8*time.Hour, "stop after this long (0: until agent --stop)")
			fs.BoolVar(&o.Confirm, "confirm", false, "ask on the agent's terminal before each answer")
			fs.BoolVar(&o.Detach, "detach", false, "run in the background: print the line to export and return")
			fs.StringVar(&o.LogFile, "log", "", "append the request log to this file (default: stderr; with --detach SOCKET.log)")
			fs.BoolVar(&o.List, "list", false, "show what the running agent allows and what it was asked")
			fs.BoolVar(&o.Stop, "stop", false, "stop the running agent")
		},
		run: func(c *call) error {
			// --socket is the agent's socket here, not the cache daemon's:
			// keep it away from the store (--cache-for would use it).
			o.Socket, c.g.opts.Socket = c.g.opts.Socket, ""
			if f := c.fs.Lookup("socket"); f != nil {
				f.Changed = false // the agent's, not a store flag
			}
			o.OpenStore = func() (credential.Store, error) { return agentStore(c) }
			o.Args = os.Args[1:]
			o.Stdin, o.Stdout, o.Stderr = c.stdin, c.stdout, c.stderr
			return cli.Agent(c.ctx, o)
		},
	}
}

// agentStore is the store the agent answers from: with store flags on the
// command line, that store; otherwise, for each request, the stores of the
// helper lines of ours git runs for its URL (gitStores), so the far side
// gets the token a git here would. The stores are checked once here, so a
// broken line stops the agent at its start.
func agentStore(c *call) (credential.Store, error) {
	given := len(storeFlags(c)) > 0
	plain := *c // storeRef takes on the flags of the line it chooses
	if given {
		if !withoutAgent(c) {
			return nil, errors.New("agent: --store names only the agent store; the agent answers from a store of tokens here, such as --store file")
		}
		ref, err := storeRef(c)
		return ref.Store, err
	}
	if _, err := storeRef(c); err != nil {
		return nil, err
	}
	return &gitStores{c: &plain, opened: map[string]credential.Store{}}, nil
}

// withoutAgent drops the agent store from the --store list c names: an
// agent answering from it would ask itself (GIT_CREDENTIAL_PAT_AGENT is
// often its own socket), again and again. It reports whether a store is
// left. c's globals are copied first: they may be shared.
func withoutAgent(c *call) bool {
	g := *c.g
	var keep []string
	for _, n := range backends.ListNames(g.store) {
		if n != "agent" {
			keep = append(keep, n)
		}
	}
	g.store = strings.Join(keep, ",")
	c.g = &g
	return len(keep) > 0
}

// gitStores answers each get as git's fill would with our helper lines:
// from the store of each line of ours git runs for the request's URL, in
// git's order, the first answer winning (a read-only line, such as --store
// env, too: it is what a git here gets); from the default store only when
// no line names us. The agent store is dropped from every line's list
// (withoutAgent): it would ask this agent again. It changes nothing: store
// and erase fail (noStore's).
type gitStores struct {
	noStore
	c      *call
	mu     sync.Mutex
	opened map[string]credential.Store // by helper line; "" for the default
}

func (s *gitStores) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	url := cli.UserURL(q.Protocol, q.Username, q.Host, q.Path)
	ours, err := cli.OurHelpers(ctx, "", url)
	if err != nil {
		return credential.Credential{}, fmt.Errorf("reading the credential helpers git runs for %s: %w", url, err)
	}
	lines := ours
	if len(lines) == 0 {
		lines = []gitconfig.Helper{{}}
	}
	// As git's fill, a store that fails does not stop the next one from
	// answering; with no answer, the first failure is the agent's to log.
	var failed error
	for _, line := range lines {
		store, err := s.open(line)
		if err == nil {
			var found credential.Credential
			if found, err = store.Get(ctx, q); err == nil {
				return found, nil
			}
		}
		if !errors.Is(err, credential.ErrNotFound) && failed == nil {
			failed = err
		}
	}
	if failed != nil {
		return credential.Credential{}, failed
	}
	return credential.Credential{}, credential.ErrNotFound
}

// open opens the store of a helper line once (the default store for the
// zero line).
func (s *gitStores) open(line gitconfig.Helper) (credential.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.opened[line.Value]; ok {
		return st, nil
	}
	lc := *s.c
	if line.Value != "" {
		if err := useLine(&lc, line); err != nil {
			return nil, err
		}
	}
	if !withoutAgent(&lc) {
		s.opened[line.Value] = noStore{}
		return noStore{}, nil
	}
	ref, err := openStoreRef(&lc)
	if err != nil {
		return nil, err
	}
	s.opened[line.Value] = ref.Store
	return ref.Store, nil
}

var errAgentReadOnly = errors.New("agent: the agent only answers gets")

// noStore holds nothing and changes nothing: a line whose only store was
// the agent's.
type noStore struct{}

func (noStore) Get(context.Context, credential.Credential) (credential.Credential, error) {
	return credential.Credential{}, credential.ErrNotFound
}
func (noStore) Store(context.Context, credential.Credential) error { return errAgentReadOnly }
func (noStore) Erase(context.Context, credential.Credential) error { return errAgentReadOnly }
