package gitconfig

import (
	"os"
	"path/filepath"
	"runtime"
)

// GlobalFile is the file git config --global writes, by git's rule
// (git_global_config): GIT_CONFIG_GLOBAL when set (even to ""); else
// ~/.gitconfig, unless it does not exist and the XDG file
// ($XDG_CONFIG_HOME/git/config, by default ~/.config/git/config) does.
// Without GIT_CONFIG_GLOBAL, "" when HOME is not set or empty: git then
// refuses --global ("$HOME not set"), or, with HOME empty, writes
// /.gitconfig. Git for Windows finds a home itself.
func GlobalFile() string {
	if f, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		return f
	}
	home := os.Getenv("HOME")
	if home == "" && runtime.GOOS == "windows" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return ""
	}
	user := filepath.Join(home, ".gitconfig")
	xdg := filepath.Join(home, ".config", "git", "config")
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		xdg = filepath.Join(d, "git", "config")
	}
	if _, err := os.Stat(user); err != nil {
		if _, err := os.Stat(xdg); err == nil {
			return xdg
		}
	}
	return user
}
