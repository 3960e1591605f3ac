package e2e

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// containerRecipe is a README block that puts our programs into an image
// or a container: where each lands (the path inside it, by the name the
// recipe gives it), and the commands run there that start with ours.
type containerRecipe struct {
	line   int               // 1-based line of the block's fence
	places map[string]string // path inside -> the built program's name
	runs   []string          // shell commands, continuation lines joined
}

var (
	// COPY --from=STAGE SRC... DEST of a multi-stage Dockerfile.
	dockerCopy = regexp.MustCompile(`^COPY\s+--from=\S+\s+(.+)$`)
	// -v "$(command -v NAME)":DEST[:ro] of docker run.
	dockerMount = regexp.MustCompile(`-v\s+"\$\(command -v (git-credential-pat[\w-]*)\)":([^:\s"]+)`)
	// sh -c '...' of docker run.
	dockerShell = regexp.MustCompile(`(?s)\bsh -c '([^']*)'`)
)

// containerRecipes finds the README's fenced blocks that place
// git-credential-pat inside an image or a container.
func containerRecipes(t *testing.T, readme string) []containerRecipe {
	t.Helper()
	lines := strings.Split(readme, "\n")
	var recipes []containerRecipe
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") || strings.TrimSpace(lines[i]) == "```" {
			continue
		}
		start := i
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		// Join continuation lines, as the shell and Docker do.
		text := strings.ReplaceAll(strings.Join(body, "\n"), "\\\n", " ")
		r := containerRecipe{line: start + 1, places: map[string]string{}}
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimSpace(l)
			if m := dockerCopy.FindStringSubmatch(l); m != nil {
				f := strings.Fields(m[1])
				dest := f[len(f)-1]
				for _, src := range f[:len(f)-1] {
					if name := path.Base(src); strings.HasPrefix(name, "git-credential-pat") {
						to := dest
						if strings.HasSuffix(dest, "/") || len(f) > 2 {
							to = path.Join(dest, name)
						}
						r.places[to] = name
					}
				}
			}
			if cmd, ok := strings.CutPrefix(l, "RUN "); ok && strings.HasPrefix(cmd, "git-credential-pat") {
				r.runs = append(r.runs, cmd)
			}
			for _, m := range dockerMount.FindAllStringSubmatch(l, -1) {
				r.places[m[2]] = m[1]
			}
		}
		if m := dockerShell.FindStringSubmatch(text); m != nil {
			// The commands that set git up; the clone needs the network.
			for _, c := range strings.Split(m[1], "&&") {
				if c = strings.TrimSpace(c); strings.HasPrefix(c, "git-credential-pat") {
					r.runs = append(r.runs, c)
				}
			}
		}
		if len(r.places) > 0 {
			recipes = append(recipes, r)
		}
	}
	return recipes
}

// Each README recipe that puts git-credential-pat into an image or a
// container (a Dockerfile's COPY, docker run's -v) also puts
// git-credential-pat-cli next to it, and the commands it runs there work
// with only the programs it placed: setup is one of the commands the lean
// program hands to its sibling. After the Dockerfile's setup, git in the
// container gets the token docker run passes in. Regression test: the
// recipes placed git-credential-pat alone, so setup failed there.
func TestREADMEContainerRecipesPlaceBothPrograms(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	recipes := containerRecipes(t, string(readme))
	if len(recipes) < 2 {
		t.Fatalf("found %d container recipes in README.md, want the Dockerfile and docker run ones: the parser is off", len(recipes))
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recipes {
		e := gittest.NewEnv(t)
		root := t.TempDir() // the image's file system
		var dirs []string
		for inside, name := range r.places {
			data, err := os.ReadFile(filepath.Join(filepath.Dir(bin), name))
			if err != nil {
				t.Fatalf("README.md:%d places %s, which the build does not make: %v", r.line, name, err)
			}
			p := filepath.Join(root, filepath.FromSlash(inside))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o755); err != nil {
				t.Fatal(err)
			}
			if name == "git-credential-pat" {
				if _, ok := r.places[path.Join(path.Dir(inside), "git-credential-pat-cli")]; !ok {
					t.Errorf("README.md:%d places git-credential-pat at %s without git-credential-pat-cli next to it", r.line, inside)
				}
				dirs = append(dirs, filepath.Dir(p))
			}
		}
		// Only the programs the recipe placed, and git.
		e.Setenv("PATH", strings.Join(append(dirs, filepath.Dir(git), "/usr/bin", "/bin"), string(os.PathListSeparator)))
		if len(r.runs) == 0 {
			t.Errorf("README.md:%d runs no command of ours: the parser is off", r.line)
		}
		for _, run := range r.runs {
			cmd := exec.Command("sh", "-c", run)
			cmd.Env, cmd.Dir = e.Vars, e.Home
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("README.md:%d: %s: %v\n%s", r.line, run, err, out)
			}
		}
		if strings.Contains(strings.Join(r.runs, "\n"), "--store env setup") {
			token := cmdsToken("ghp_", rand1)
			tokenEnv(e, "GH_TOKEN", token)
			if got := e.MustGit(t, e.Home, "protocol=https\nhost=github.com\n\n", "credential", "fill"); !strings.Contains(got, "password="+token+"\n") {
				t.Errorf("README.md:%d: git in the image does not get GH_TOKEN: %q", r.line, got)
			}
		}
	}
}
