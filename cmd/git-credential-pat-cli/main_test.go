package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/internal/stores"
)

// Parse and dispatch: help names every store and every store's flag (they
// come from the registry), an unknown flag fails with a hint, an unknown action is ignored,
// and flags reach the store's options.
func TestRunParsesAndDispatches(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"help", "get"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("help get: exit %d, %s", code, errOut.String())
	}
	var o backends.Options
	for _, f := range stores.Flags(&o) {
		if !strings.Contains(out.String(), "--"+f.Name) {
			t.Errorf("help get does not show --%s", f.Name)
		}
	}
	out.Reset()
	if code := run([]string{"help"}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), "cache") {
		t.Fatalf("help: exit %d; stores listed: %v", code, strings.Contains(out.String(), "cache"))
	}
	for _, n := range backends.Names() {
		if !strings.Contains(out.String(), n) {
			t.Errorf("help does not list store %s", n)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag", "get"}, "no-such-flag"},
		{[]string{"--lock-timeout", "soon", "get"}, "lock-timeout"},
	} {
		errOut.Reset()
		if code := run(tc.args, strings.NewReader(""), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("run %q: exit %d, stderr %q; want a failure naming %q", tc.args, code, errOut.String(), tc.want)
		}
	}
	// git may add actions: a helper ignores the ones it does not know.
	out.Reset()
	errOut.Reset()
	if code := run([]string{"frobnicate"}, strings.NewReader(""), &out, &errOut); code != 0 || out.Len()+errOut.Len() != 0 {
		t.Errorf("unknown action: exit %d, %q %q; want it ignored", code, out.String(), errOut.String())
	}
	var g globals
	fs := newTestFlagSet(&g)
	if err := fs.Parse([]string{"--store", "file", "--file", "/tmp/x", "--cache-for", "60", "--resolver-schemes", "vault"}); err != nil {
		t.Fatal(err)
	}
	if g.store != "file" || g.opts.File != "/tmp/x" || g.opts.CacheFor.Seconds() != 60 || len(g.opts.ResolverSchemes) != 1 {
		t.Errorf("flags did not reach the options: %q %+v", g.store, g.opts)
	}
}

func newTestFlagSet(g *globals) *pflag.FlagSet {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	g.register(fs)
	return fs
}

// --version and -V before any command print what the version command
// prints, on stdout, with exit 0 (not the help on stderr); the other words
// are still parsed as for the version command.
func TestVersionFlag(t *testing.T) {
	var want, errOut bytes.Buffer
	if code := run([]string{"version"}, strings.NewReader(""), &want, &errOut); code != 0 || want.Len() == 0 {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", code, want.String(), errOut.String())
	}
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string // substring of stderr; "" for none
	}{
		{[]string{"--version"}, 0, ""},
		{[]string{"-V"}, 0, ""},
		{[]string{"--version=true"}, 0, ""},
		{[]string{"--store", "file", "--version"}, 0, ""},
		{[]string{"--version", "version"}, 0, ""}, // it was "unknown flag: --version"
		{[]string{"version", "-V"}, 0, ""},
		{[]string{"--version", "--bogus"}, 1, "unknown flag: --bogus (see git-credential-pat help version)"},
		{[]string{"login", "--version"}, 1, "unknown flag: --version (see git-credential-pat help login)"},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		code := run(tc.args, strings.NewReader(""), &out, &errOut)
		wantOut := want.String()
		if tc.wantCode != 0 {
			wantOut = ""
		}
		if code != tc.wantCode || out.String() != wantOut || tc.wantErr == "" && errOut.Len() != 0 || !strings.Contains(errOut.String(), tc.wantErr) {
			t.Errorf("run %q: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
				tc.args, code, out.String(), errOut.String(), tc.wantCode, wantOut, tc.wantErr)
		}
	}
}

// A command's help lists the flags it uses: the store flags only for the
// commands that work with a store; a command that uses none still accepts
// them (git puts its helper line's flags before capability).
func TestHelpListsTheFlagsACommandUses(t *testing.T) {
	var o backends.Options
	var storeFlagNames []string
	for _, f := range stores.Flags(&o) {
		storeFlagNames = append(storeFlagNames, f.Name)
	}
	storeFlagNames = append(storeFlagNames, "store", "allow-http")
	tests := []struct {
		command string
		uses    []string // of the store flags; nil for all
		own     []string // some of its own flags
	}{
		{"version", noGlobals, nil},
		{"capability", noGlobals, nil},
		{"man", noGlobals, nil},
		{"completion", noGlobals, nil},
		{"cache", []string{"socket"}, nil},
		{"get", nil, nil},
		{"setup", nil, []string{"local", "system"}},
		{"login", nil, []string{"host", "expires"}},
		{"list", nil, []string{"json"}},
		{"doctor", nil, []string{"json", "online"}},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		if code := run([]string{"help", tc.command}, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("help %s: exit %d, %s", tc.command, code, errOut.String())
		}
		listed := map[string]bool{} // the flags at the start of a line
		for _, line := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "-h, ")); len(f) > 0 && strings.HasPrefix(f[0], "--") {
				listed[f[0][2:]] = true
			}
		}
		for _, name := range storeFlagNames {
			want := tc.uses == nil || slices.Contains(tc.uses, name)
			if got := listed[name]; got != want {
				t.Errorf("help %s lists --%s: %v, want %v\n%s", tc.command, name, got, want, out.String())
			}
		}
		for _, name := range tc.own {
			if !listed[name] {
				t.Errorf("help %s does not list its --%s\n%s", tc.command, name, out.String())
			}
		}
		if len(listed) == 0 && strings.Contains(out.String(), "Flags:") {
			t.Errorf("help %s has a Flags section for no flags:\n%s", tc.command, out.String())
		}
	}
	for _, args := range [][]string{{"--store", "file", "version"}, {"capability", "--store", "keychain"}} {
		var out, errOut bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errOut); code != 0 || errOut.Len() != 0 {
			t.Errorf("run %q: exit %d, stderr %q; the store flags must still be accepted", args, code, errOut.String())
		}
	}
}

// A flag missing its value takes the command word (a helper line
// "git-credential-pat --file" runs as "git-credential-pat --file get"):
// a clear error naming the flag, not a panic. Regression test: it
// panicked (slice bounds out of range).
func TestFlagThatTookTheCommand(t *testing.T) {
	for _, args := range [][]string{
		{"--file", "get"},
		{"--store", "store"},
		{"--file", "-V", "--version"},
		{"--socket", "list"},
	} {
		var out, errOut bytes.Buffer
		code := run(args, strings.NewReader(""), &out, &errOut)
		if code != 1 || !strings.Contains(errOut.String(), "took \"") || !strings.Contains(errOut.String(), "give "+args[0]+" a value") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}
