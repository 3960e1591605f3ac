package gitconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
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
	xdgFile := filepath.Join(xdg.GitDir(home), "config")
	if _, err := os.Stat(user); err != nil {
		if _, err := os.Stat(xdgFile); err == nil {
			return xdgFile
		}
	}
	return user
}

// GlobalOff says why git config --global must not be written, or nil:
// GIT_CONFIG_GLOBAL set empty or to /dev/null turns the global config off
// (a sandbox, a test), and one that names something other than a regular
// file is no config file. git writes FILE.lock and renames it over FILE,
// so as root it would replace /dev/null itself.
func GlobalOff() error {
	f, named := os.LookupEnv("GIT_CONFIG_GLOBAL")
	switch {
	case !named:
		return nil
	case f == "" || f == os.DevNull:
		return fmt.Errorf("GIT_CONFIG_GLOBAL=%q turns git's global config off, so there is none to change", f)
	}
	if fi, err := os.Stat(f); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("GIT_CONFIG_GLOBAL names %q, which is not a regular file", f)
	}
	return nil
}
