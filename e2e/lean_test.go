package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/internal/gittest"
)

// git-credential-pat (the lean helper git runs) answers every command line
// exactly as git-credential-pat-cli does: what it serves itself (get,
// store, capability, with the global flags written every way pflag
// accepts) and what it hands over (everything else, and any flag it does
// not parse itself): same output, same errors, same exit status, same file.
func TestLeanHelperAnswersLikeTheFullProgram(t *testing.T) {
	get := "protocol=https\nhost=lean.example\n\n"
	store := "protocol=https\nhost=lean.example\nusername=alice\npassword=ghp_lean0123456789\n\n"
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"capability", "", []string{"capability"}},
		{"get", get, []string{"get"}},
		{"get with --store=file", get, []string{"--store=file", "get"}},
		{"get with --store file after the action", get, []string{"get", "--store", "file"}},
		{"get with --file", get, []string{"--file", "creds", "get"}},
		{"get with --allow-http", get, []string{"--allow-http", "get"}},
		{"get with --allow-http=false", get, []string{"--allow-http=false", "get"}},
		{"get with a word after the action", get, []string{"get", "extra"}},
		{"get from an unknown store", get, []string{"--store", "nosuch", "get"}},
		{"get with an unknown flag", get, []string{"--bogus", "get"}},
		{"get with a flag and no value", get, []string{"get", "--store"}},
		{"get with a bad bool", get, []string{"--allow-http=maybe", "get"}},
		{"get with a bad duration", get, []string{"--keychain-timeout", "soon", "get"}},
		{"get after --", get, []string{"--", "get"}},
		{"store", store, []string{"store"}},
		{"store into --file", store, []string{"--file=creds", "store"}},
		{"erase", store, []string{"erase"}},
		{"an action git may add one day", get, []string{"frobnicate"}},
		{"no action", "", nil},
		{"-h", "", []string{"-h"}},
		{"help get", "", []string{"help", "get"}},
		{"version", "", []string{"version"}},
		{"--version", "", []string{"--version"}},
		{"list", "", []string{"list"}},
	}
	seed := "https://alice:ghp_seed0123456789@lean.example\n"
	otherSeed := "https://bob:ghp_other0123456789@lean.example\n" // the --file store
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				tr          transcript
				file, file2 string
			}
			var res [2]result
			for i, exe := range []string{bin, cliBin()} {
				e := gittest.NewEnv(t)
				dir := filepath.Join(e.Home, ".config", "git-credential-pat")
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				for p, data := range map[string]string{filepath.Join(dir, "credentials"): seed, filepath.Join(e.Home, "creds"): otherSeed} {
					if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				tr, err := runExe(e, exe, tc.stdin, tc.args...)
				if err != nil {
					t.Fatal(err)
				}
				f1, _ := os.ReadFile(filepath.Join(dir, "credentials"))
				f2, _ := os.ReadFile(filepath.Join(e.Home, "creds"))
				res[i] = result{tr, string(f1), string(f2)}
			}
			if res[0] != res[1] {
				t.Errorf("git-credential-pat %q:\n%+v\ngit-credential-pat-cli:\n%+v", tc.args, res[0], res[1])
			}
		})
	}
}
