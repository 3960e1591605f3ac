package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// git runs this binary on every HTTPS request, and every package it links
// runs its init and touches its pages on every call, whether or not the
// call uses it (issue 17): what counts is the import graph. These packages
// must stay out of it; each has a small replacement here (unixsock.Dial,
// internal/jsonwire, credential.IsLoopback) or belongs to the commands
// git-credential-pat-cli runs.
var forbiddenInLean = []struct{ pkg, why string }{
	{"net", "its init and resolver cost every call; dial with internal/unixsock, serve with internal/unixserve (daemons only)"},
	{"vendor/golang.org/x/net/dns/dnsmessage", "comes with package net"},
	{"encoding/json", "reflection-heavy; clients read and write their daemons' JSON with internal/jsonwire"},
	{"os/signal", "only the daemons handle signals"},
}

// notYetOutOfLean are packages still in the graph that other work on
// issue 17 removes. The walk does not follow their imports, so what only
// they bring in is not reported; once one is gone from the graph this
// test says so, and it belongs in forbiddenInLean instead.
var notYetOutOfLean = map[string]string{
	"github.com/godbus/dbus/v5": "the Secret Service and keychain backends move off godbus",
}

func TestLeanImportGraph(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is needed to list the lean helper's imports")
		}
		t.Skip("no go command")
	}
	cmd := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", ".")
	cmd.Env = append(os.Environ(), "GOOS=linux")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, exitStderr(err))
	}
	imports := map[string][]string{}
	var root string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		imports[f[0]] = f[1:]
		root = f[0] // go list -deps prints the named package last
	}

	// Breadth first from the helper, remembering who imported each
	// package first, so that a failure shows the whole chain.
	via := map[string]string{root: ""}
	queue := []string{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if _, later := notYetOutOfLean[p]; later {
			continue
		}
		for _, imp := range imports[p] {
			if _, seen := via[imp]; !seen {
				via[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	chain := func(p string) string {
		var c []string
		for ; p != ""; p = via[p] {
			c = append(c, p)
		}
		slices.Reverse(c)
		return strings.Join(c, " -> ")
	}
	for _, f := range forbiddenInLean {
		if _, in := via[f.pkg]; in {
			var importers []string
			for p, imps := range imports {
				if _, reached := via[p]; reached && slices.Contains(imps, f.pkg) {
					importers = append(importers, p)
				}
			}
			slices.Sort(importers)
			t.Errorf("the lean helper imports %s (%s)\nimported by: %s\nfor example: %s", f.pkg, f.why, strings.Join(importers, ", "), chain(f.pkg))
		}
	}
	for p, why := range notYetOutOfLean {
		if _, in := via[p]; !in {
			t.Errorf("%s is no longer in the lean helper's graph (%s): move it from notYetOutOfLean to forbiddenInLean", p, why)
		}
	}
}

func exitStderr(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}
