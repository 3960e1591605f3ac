// Package cli implements the commands people run by hand (setup,
// unconfigure, version, ...). The git-facing protocol lives in credential;
// cmd/git-credential-pat only parses flags and calls into here.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// SetupOptions says where setup writes and which helper line it writes.
type SetupOptions struct {
	Scope      string   // "global", "local" or "system"
	HelperArgs []string // flags to put after the binary, e.g. --store file
	Exe        string   // the binary git should run; default: this one
	Dir        string   // working directory for git (matters for --local)
	Out        io.Writer
}

const binaryName = "git-credential-pat"

// HelperLine returns the credential.helper value setup writes: an absolute
// path (so it works even when the install directory is not on PATH) and
// the flags, shell-quoted because git runs it through the shell.
func HelperLine(exe string, args []string) string {
	words := append([]string{exe}, args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// IsOurHelper reports whether a credential.helper value runs this program.
func IsOurHelper(v string) bool {
	v = strings.TrimPrefix(strings.TrimSpace(v), "!")
	first := strings.Fields(v)
	if len(first) == 0 {
		return false
	}
	w := strings.Trim(first[0], `'"`)
	return w == "pat" || filepath.Base(w) == binaryName
}

// Setup makes git use this helper in the chosen scope: an empty
// credential.helper (which resets helpers inherited from wider config) and
// then ours, at the end of the list. Running it again changes nothing.
func Setup(o SetupOptions) error {
	exe, err := o.exe()
	if err != nil {
		return err
	}
	want := HelperLine(exe, o.HelperArgs)
	cur, err := o.helpers()
	if err != nil {
		return err
	}
	if n := len(cur); n >= 2 && cur[n-2] == "" && cur[n-1] == want {
		fmt.Fprintf(o.Out, "git config --%s already uses %s; nothing changed\n", o.Scope, want)
		return nil
	}
	kept := withoutOurs(cur)
	if len(kept) != len(cur) {
		if err := o.rewrite(kept); err != nil {
			return err
		}
	}
	for _, v := range []string{"", want} {
		if err := o.git("--add", "credential.helper", v); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.Out, "git config --%s: added credential.helper = \"\" (resets helpers from wider config)\n", o.Scope)
	fmt.Fprintf(o.Out, "git config --%s: added credential.helper = %s\n", o.Scope, want)
	return nil
}

// Unconfigure removes what Setup added: every helper line that runs this
// program and the empty line just before each. Others' lines stay.
func Unconfigure(o SetupOptions) error {
	cur, err := o.helpers()
	if err != nil {
		return err
	}
	kept := withoutOurs(cur)
	if len(kept) == len(cur) {
		fmt.Fprintf(o.Out, "git config --%s has no git-credential-pat helper; nothing changed\n", o.Scope)
		return nil
	}
	if err := o.rewrite(kept); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "git config --%s: removed %d credential.helper line(s) added by setup\n", o.Scope, len(cur)-len(kept))
	return nil
}

// withoutOurs drops our helper lines and the empty reset line before each.
func withoutOurs(vals []string) []string {
	var out []string
	for _, v := range vals {
		if IsOurHelper(v) {
			if n := len(out); n > 0 && out[n-1] == "" {
				out = out[:n-1]
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

func (o SetupOptions) exe() (string, error) {
	if o.Exe != "" {
		return o.Exe, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("setup: cannot find this program's path: %w", err)
	}
	return filepath.EvalSymlinks(exe)
}

// helpers lists credential.helper values in the scope, in order.
func (o SetupOptions) helpers() ([]string, error) {
	cmd := exec.Command("git", "config", "--"+o.Scope, "--null", "--get-all", "credential.helper")
	cmd.Dir = o.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 && stderr.Len() == 0 {
		return nil, nil // key not set
	}
	if err != nil {
		return nil, fmt.Errorf("git config --%s: %v: %s", o.Scope, err, strings.TrimSpace(stderr.String()))
	}
	vals := strings.Split(string(out), "\x00")
	return vals[:len(vals)-1], nil
}

// rewrite replaces the scope's credential.helper list with vals.
func (o SetupOptions) rewrite(vals []string) error {
	if err := o.git("--unset-all", "credential.helper"); err != nil {
		return err
	}
	for _, v := range vals {
		if err := o.git("--add", "credential.helper", v); err != nil {
			return err
		}
	}
	return nil
}

func (o SetupOptions) git(args ...string) error {
	cmd := exec.Command("git", append([]string{"config", "--" + o.Scope}, args...)...)
	cmd.Dir = o.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git config --%s %s: %v: %s", o.Scope, strings.Join(args[:2], " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
