package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/testenv"
)

// git runs this binary on every HTTPS request, and every package it links
// runs its init and touches its pages on every call, whether or not the
// call uses it (issue 17): what counts is the import graph. These packages
// must stay out of it; each has a small replacement here (unixsock.Dial,
// internal/jsonwire and its base64, credential.IsLoopback,
// internal/fingerprint) or
// belongs to the commands git-credential-pat-cli runs.
var forbiddenInLean = []struct{ pkg, why string }{
	{"net", "its init and resolver cost every call; dial with internal/unixsock, serve with internal/unixserve (daemons only)"},
	{"vendor/golang.org/x/net/dns/dnsmessage", "comes with package net"},
	{"net/url", "brings net/netip; percent-encoding lives in credential/url.go"},
	{"net/netip", "its init (and package unique) cost every call"},
	{"regexp", "forge's token shapes and quoting are written out (forge.quoteMeta)"},
	{"encoding/json", "reflection-heavy; clients read and write their daemons' JSON with internal/jsonwire"},
	{"os/signal", "only the daemons handle signals"},
	{"os/user", "came with godbus; nothing on git's path needs the user database"},
	{"io/ioutil", "deprecated, and its ReadFile and WriteFile open through the runtime's poller (internal/nopoll)"},
	{"github.com/godbus/dbus/v5", "the Linux keychain speaks D-Bus through internal/dbus"},
	{"crypto/sha256", "brings Go's FIPS 140 module, whose start costs every call 0.03-0.1 ms; fingerprints use internal/fingerprint"},
	{"crypto/internal/fips140", "Go's FIPS 140 module, which most crypto packages bring (see crypto/sha256)"},
	{"encoding/base64", "its init builds four encodings' tables on every call; internal/jsonwire writes base64 itself"},
}

func TestLeanImportGraph(t *testing.T) {
	out := goList(t, "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", ".")
	imports := map[string][]string{}
	var root string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
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
}

// TestLinuxHelpersDoNotLinkGodbus: on Linux the keychain talks to the
// Secret Service through internal/dbus, in the full program too (one
// client, one set of behaviours).
func TestLinuxHelpersDoNotLinkGodbus(t *testing.T) {
	for _, cmd := range []string{".", "../git-credential-pat-cli"} {
		for _, pkg := range strings.Fields(goList(t, "-deps", cmd)) {
			if strings.HasPrefix(pkg, "github.com/godbus/") {
				t.Errorf("%s links %s on Linux; the Secret Service client must use internal/dbus", cmd, pkg)
			}
		}
	}
}

// goList runs go list with args for linux/amd64 built as
// install.sh builds (CGO_ENABLED=0), and returns its output.
func goList(t *testing.T, args ...string) string {
	t.Helper()
	goTool := testenv.Tool(t, "go", "the go command lists the programs' imports")
	cmd := exec.Command(goTool, append([]string{"list"}, args...)...)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// The helper lives for milliseconds: it must not start the runtime's
// goroutine that keeps GOMAXPROCS in step with the cgroup (see the
// //go:debug line in main.go).
func TestLeanRuntimeSettings(t *testing.T) {
	settings := strings.Split(strings.TrimSpace(goList(t, "-f", "{{.DefaultGODEBUG}}", ".")), ",")
	if !slices.Contains(settings, "updatemaxprocs=0") {
		t.Errorf("DefaultGODEBUG = %q, want updatemaxprocs=0 among them", settings)
	}
}

// TestLeanOpensNoFileThroughThePoller: os.Open and its kin hand every
// descriptor to the runtime's network poller, which the first time starts
// an epoll instance, an eventfd and more system calls than the helper's
// whole get (internal/nopoll). The helper's own packages open files with
// internal/nopoll; the exceptions run rarely and are named here. (io/ioutil,
// the other way to os.Open, is kept out by TestLeanImportGraph.)
func TestLeanOpensNoFileThroughThePoller(t *testing.T) {
	polled := map[string]bool{"Open": true, "OpenFile": true, "ReadFile": true, "WriteFile": true, "Create": true, "CreateTemp": true, "OpenRoot": true}
	rare := map[string]string{
		"expiry/warner.go: os.WriteFile": "the once-a-day stamp of an expiry warning",
	}
	const module = "github.com/git-credential-pat/git-credential-pat"
	// JSON, so that a directory name with a space in it stays one field.
	dec := json.NewDecoder(strings.NewReader(goList(t, "-deps", "-json=ImportPath,Dir,GoFiles", ".")))
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for {
		var pkg struct {
			ImportPath, Dir string
			GoFiles         []string
		}
		if err := dec.Decode(&pkg); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if pkg.ImportPath != module && !strings.HasPrefix(pkg.ImportPath, module+"/") {
			continue
		}
		for _, name := range pkg.GoFiles {
			file, err := parser.ParseFile(fset, filepath.Join(pkg.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			osName := "" // what this file calls package os, if it imports it
			for _, imp := range file.Imports {
				if imp.Path.Value == `"os"` {
					osName = "os"
					if imp.Name != nil {
						osName = imp.Name.Name
					}
				}
			}
			if osName == "" {
				continue
			}
			ast.Inspect(file, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || !polled[sel.Sel.Name] {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == osName {
					where := strings.TrimPrefix(strings.TrimPrefix(pkg.ImportPath, module), "/") + "/" + name + ": os." + sel.Sel.Name
					seen[where] = true
					if _, ok := rare[where]; !ok {
						t.Errorf("%s (%s): the lean helper opens files with internal/nopoll", where, fset.Position(sel.Pos()))
					}
				}
				return true
			})
		}
	}
	for where, why := range rare {
		if !seen[where] {
			t.Errorf("%s (%s) is gone: remove it from the exceptions", where, why)
		}
	}
}
