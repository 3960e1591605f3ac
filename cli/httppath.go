package cli

import (
	"context"
	"fmt"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
)

// EnableHTTPPath sets credential.PROTO://HOST.useHttpPath=true in the global
// config, so git sends the repository path for that host only and owner
// tokens can be told apart. Unconfigure removes it again.
func EnableHTTPPath(ctx context.Context, c credential.Credential) error {
	if err := gitconfig.GlobalOff(); err != nil {
		return err
	}
	_, err := runGit(ctx, "", "config", "--global", "credential."+c.Protocol+"://"+c.Host+".useHttpPath", "true")
	return err
}

// removeHTTPPath removes the host-scoped useHttpPath settings login wrote
// (credential.SCHEME://HOST.usehttppath = true, no path) from the scope.
func (o SetupOptions) removeHTTPPath() (int, error) {
	es, err := gitconfig.List(context.Background(), o.Dir, `^credential\.https?://[^/]+\.usehttppath$`, "--"+o.Scope)
	if err != nil {
		return 0, nil // none set
	}
	removed := 0
	for _, e := range es {
		key := e.Key
		if e.Value != "true" {
			continue
		}
		if err := o.git("--unset-all", key); err != nil {
			return removed, err
		}
		removed++
		fmt.Fprintf(o.Out, "git config --%s: removed %s (set by login --owner)\n", o.Scope, key)
	}
	return removed, nil
}
