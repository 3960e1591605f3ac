package backends

import (
	"os"

	"github.com/git-credential-pat/git-credential-pat/agent"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

func init() {
	Register(Descriptor{Name: "agent", Help: "read-only: asks the git-credential-pat agent at $GIT_CREDENTIAL_PAT_AGENT (or --socket), forwarded by ssh -R or a bind mount",
		Open: openAgent, ReadOnly: true})
}

// openAgent is the far side of git-credential-pat agent: it asks the agent
// at --socket, else at $GIT_CREDENTIAL_PAT_AGENT. With neither, or with no
// agent listening, it answers nothing at once.
func openAgent(o Options) (credential.Store, error) {
	socket := o.Socket
	if socket == "" {
		getenv := o.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		socket = getenv(agent.SocketEnv)
	}
	return &agent.Client{Socket: socket}, nil
}
