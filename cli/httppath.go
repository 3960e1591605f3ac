package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// EnableHTTPPath sets credential.PROTO://HOST.useHttpPath=true in the global
// config, so git sends the repository path for that host only and owner
// tokens can be told apart. Unconfigure removes it again.
func EnableHTTPPath(ctx context.Context, c credential.Credential) error {
	_, err := runGit(ctx, "", "config", "--global", "credential."+c.Protocol+"://"+c.Host+".useHttpPath", "true")
	return err
}

// removeHTTPPath removes the host-scoped useHttpPath settings login wrote
// (credential.SCHEME://HOST.usehttppath = true, no path) from the scope.
func (o SetupOptions) removeHTTPPath() (int, error) {
	out, err := runGit(context.Background(), o.Dir, "config", "--"+o.Scope, "--null", "--get-regexp", `^credential\.https?://[^/]+\.usehttppath$`)
	if err != nil {
		return 0, nil // none set
	}
	removed := 0
	for _, kv := range strings.Split(out, "\x00") {
		key, value, ok := strings.Cut(kv, "\n")
		if !ok || value != "true" {
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
