package gitconfig

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// GlobalFile names the file git config --global writes, as git picks it:
// each case is checked against git itself.
func TestGlobalFile(t *testing.T) {
	own := filepath.Join(t.TempDir(), "my.gitconfig")
	home := t.TempDir()
	xdgHome := t.TempDir()
	user := filepath.Join(home, ".gitconfig")
	xdg := filepath.Join(xdgHome, "git", "config")
	for _, tc := range []struct {
		name               string
		global, home, xdgd string
		files              []string
		want               string
	}{
		{"GIT_CONFIG_GLOBAL wins", own, home, xdgHome, []string{xdg}, own},
		{"neither file yet", "", home, xdgHome, nil, user},
		{"only the XDG file", "", home, xdgHome, []string{xdg}, xdg},
		{"both files", "", home, xdgHome, []string{xdg, user}, user},
		{"XDG default under HOME", "", home, "", []string{filepath.Join(home, ".config", "git", "config")}, filepath.Join(home, ".config", "git", "config")},
		{"no HOME", "", "", xdgHome, []string{xdg}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.home == "" && runtime.GOOS == "windows" {
				t.Skip("Git for Windows finds a home without HOME")
			}
			t.Setenv("GIT_CONFIG_GLOBAL", tc.global)
			if tc.global == "" {
				os.Unsetenv("GIT_CONFIG_GLOBAL") // t.Setenv restores it
			}
			t.Setenv("HOME", tc.home)
			t.Setenv("XDG_CONFIG_HOME", tc.xdgd)
			for _, f := range tc.files {
				if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(f, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Remove(f) })
			}
			if got := GlobalFile(); got != tc.want {
				t.Errorf("GlobalFile() = %q, want %q", got, tc.want)
			}
			if tc.want == "" {
				return
			}
			t.Cleanup(func() { os.Remove(tc.want) })
			if out, err := exec.Command("git", "config", "--global", "gitconfigtest.key", "value").CombinedOutput(); err != nil {
				t.Fatalf("git config --global: %v: %s", err, out)
			}
			if b, _ := os.ReadFile(tc.want); len(b) == 0 {
				t.Errorf("git config --global did not write %s", tc.want)
			}
		})
	}
}

// GlobalOff: a global config turned off, or one that is no file, is not
// to be written (git would rename its lock file over it).
func TestGlobalOff(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "gitconfig")
	for _, tc := range []struct {
		value string
		set   bool
		off   bool
	}{
		{"", false, false},
		{"", true, true},
		{os.DevNull, true, true},
		{dir, true, true},
		{file, true, false}, // not there yet: git creates it
	} {
		if tc.set {
			t.Setenv("GIT_CONFIG_GLOBAL", tc.value)
		} else {
			t.Setenv("GIT_CONFIG_GLOBAL", "")
			os.Unsetenv("GIT_CONFIG_GLOBAL")
		}
		if err := GlobalOff(); (err != nil) != tc.off {
			t.Errorf("GIT_CONFIG_GLOBAL=%q (set %v): %v, want off %v", tc.value, tc.set, err, tc.off)
		}
	}
}
