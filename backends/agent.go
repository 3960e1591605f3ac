package backends

import (
	"os"

	"github.com/git-credential-pat/git-credential-pat/agent"
	"github.com/git-credential-pat/git-credential-pat/credential"
)

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
