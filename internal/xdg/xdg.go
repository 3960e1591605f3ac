// Package xdg finds this program's XDG base directories (config, state,
// runtime-or-cache) once, for the file store, the expiry warner and both
// daemons' sockets, and git's own XDG directory.
package xdg

import (
	"os"
	"path/filepath"
)

// App is the directory name under each base directory.
const App = "git-credential-pat"

// base returns $env, else ~/fallback.
func base(env string, fallback ...string) (string, error) {
	if d := os.Getenv(env); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{home}, fallback...)...), nil
}

// ConfigDir is $XDG_CONFIG_HOME/git-credential-pat (default ~/.config/...).
func ConfigDir() (string, error) {
	d, err := base("XDG_CONFIG_HOME", ".config")
	return filepath.Join(d, App), err
}

// StateDir is $XDG_STATE_HOME/git-credential-pat (default ~/.local/state/...).
func StateDir() (string, error) {
	d, err := base("XDG_STATE_HOME", ".local", "state")
	return filepath.Join(d, App), err
}

// RuntimeDir is $XDG_RUNTIME_DIR/git-credential-pat, else
// $XDG_CACHE_HOME (default ~/.cache)/git-credential-pat: where sockets go.
func RuntimeDir() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, App), nil
	}
	d, err := base("XDG_CACHE_HOME", ".cache")
	return filepath.Join(d, App), err
}

// GitDir is git's own XDG directory for the home directory home:
// $XDG_CONFIG_HOME/git, else home/.config/git, where git reads its config
// and its credential-store's second file. home is the caller's: git's
// HOME, which on Windows may differ from os.UserHomeDir.
func GitDir(home string) string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "git")
	}
	return filepath.Join(home, ".config", "git")
}
