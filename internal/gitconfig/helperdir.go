package gitconfig

import (
	"context"
	"os"
	"path/filepath"
	"strings"
)

// HelperDir is the directory git, started in dir ("" for the current
// one), runs credential helpers in, so the one a relative path in a
// helper line is relative to: the top of the worktree when dir is inside
// one, since git changes to it before it runs anything; otherwise
// (outside a repository, in a bare one, inside a .git directory, outside
// the GIT_WORK_TREE that GIT_DIR names) dir itself, where git stays.
// Checked against git by TestHelperDirIsWhereGitRunsHelpers.
func HelperDir(ctx context.Context, dir string) (string, error) {
	out, err := Run(ctx, dir, nil, "rev-parse", "--is-inside-work-tree", "--show-toplevel")
	if inside, top, _ := strings.Cut(strings.TrimRight(out, "\r\n"), "\n"); err == nil && inside == "true" && top != "" {
		return filepath.FromSlash(top), nil
	}
	if dir == "" {
		return os.Getwd()
	}
	return filepath.Abs(dir)
}
