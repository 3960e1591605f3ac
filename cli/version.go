package cli

import (
	"fmt"
	"runtime/debug"
)

// Version describes this build from the module's build info: the module
// version (set by go install), and the commit and date when built from a
// git checkout.
func Version() string {
	version, commit, date := "devel", "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				date = s.Value
			}
		}
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	out := "git-credential-pat " + version
	if commit != "" {
		out += fmt.Sprintf(" (commit %s, built %s)", commit, date)
	}
	return out
}
