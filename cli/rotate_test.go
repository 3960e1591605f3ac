package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// rotate --owner replaces the owner's entry only; a copy of the old token
// that an older version stored for a repository below it is named, with
// the command that removes it.
func TestRotateNamesOldCopies(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	oldTok, newTok := "github_pat_"+strings.Repeat("A", 78)+"OLD1", "github_pat_"+strings.Repeat("B", 78)+"NEW1"
	entry := func(path, user, pass string) credential.Credential {
		c := credential.Credential{Protocol: "https", Host: "github.com", Path: path}
		c.SetUsername(user)
		c.SetPassword(pass)
		return c
	}
	tests := []struct {
		name   string
		stored []credential.Credential
		warn   string
	}{
		{"no copies", []credential.Credential{entry("acme", "alice", oldTok), entry("", "alice", oldTok)}, ""},
		{"a copy below the owner", []credential.Credential{entry("acme", "alice", oldTok), entry("acme/app.git", "alice", oldTok), entry("acme/lib.git", "alice", "ghp_other")},
			"git-credential-pat: warning: https://alice@github.com/acme/app.git still holds the old token (a copy stored after a push) and answers for its repositories first; remove it with: git-credential-pat logout --host github.com --path acme/app.git\n"},
		// The path came through git's store: its escape sequences do not
		// reach the terminal.
		{"a copy with a hostile path", []credential.Credential{entry("acme", "alice", oldTok), entry("acme/r\x1b]0;PWNED\x07.git", "alice", oldTok)},
			"git-credential-pat: warning: https://alice@github.com/acme/r%1B]0;PWNED%07.git still holds the old token (a copy stored after a push) and answers for its repositories first; remove it with: git-credential-pat logout --host github.com --path 'acme/r?]0;PWNED?.git'\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := &storetest.Memory{}
			for _, c := range tc.stored {
				if err := mem.Store(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			var out, errb bytes.Buffer
			err := Rotate(ctx, LoginOptions{
				StoreRef: StoreRef{Store: mem, Name: "file"}, Host: "github.com", Protocol: "https", Owner: "acme",
				NoVerify: true, Dir: t.TempDir(), Stdin: strings.NewReader(newTok + "\n"), Stdout: &out, Stderr: &errb,
				Now: func() time.Time { return testNow },
			})
			if err != nil {
				t.Fatalf("rotate: %v\n%s", err, errb.String())
			}
			got, _ := mem.Get(ctx, credential.Credential{Protocol: "https", Host: "github.com", Path: "acme"})
			if got.Password != newTok || got.Path != "acme" {
				t.Fatalf("owner entry after rotate: %s, token changed: %v", got.URL(), got.Password == newTok)
			}
			var warnings []string
			for _, l := range strings.SplitAfter(errb.String(), "\n") {
				if strings.Contains(l, "old token") {
					warnings = append(warnings, l)
				}
			}
			if strings.Join(warnings, "") != tc.warn {
				t.Fatalf("stderr:\n%s\nwant the warning:\n%s", errb.String(), tc.warn)
			}
		})
	}
}
