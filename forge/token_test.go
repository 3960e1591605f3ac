package forge

import (
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// checksum62 is the test's own encoding of GitHub's checksum: CRC32 of the
// 30 random characters, base62 with 0-9A-Za-z, left-padded with '0' to 6.
func checksum62(random string) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	n := uint64(crc32.ChecksumIEEE([]byte(random)))
	var out []byte
	for n > 0 {
		out = append([]byte{digits[n%62]}, out...)
		n /= 62
	}
	return strings.Repeat("0", 6-len(out)) + string(out)
}

// ghToken builds a well-formed GitHub token with a valid checksum.
func ghToken(prefix, random string) string { return prefix + random + checksum62(random) }

const random30 = "FakeTokenForTests0123456789abc" // 30 base62 characters

func TestGitHubChecksum(t *testing.T) {
	// A published example of the format (split so scanners do not see a token).
	if got := GitHubChecksum("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ"); got != "0mLq17" {
		t.Fatalf("checksum of the published example = %q, want 0mLq17", got)
	}
	for _, r := range []string{random30, strings.Repeat("0", 30), strings.Repeat("z", 30), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if got, want := GitHubChecksum(r), checksum62(r); got != want {
			t.Errorf("GitHubChecksum(%q) = %q, want %q", r, got, want)
		}
	}
	// A random part whose CRC has fewer than 6 base62 digits needs padding.
	for i := 0; i < 1000; i++ {
		r := fmt.Sprintf("%030d", i)
		if crc32.ChecksumIEEE([]byte(r)) < 62*62*62*62*62 {
			if got := GitHubChecksum(r); got[0] != '0' || got != checksum62(r) {
				t.Fatalf("padded checksum of %q = %q, want %q", r, got, checksum62(r))
			}
			return
		}
	}
	t.Fatal("no CRC small enough to need padding in 1000 tries")
}

func TestCheckToken(t *testing.T) {
	classic := ghToken("ghp_", random30)
	// Mutations of a valid classic token.
	swapped := classic[:10] + string(rune(classic[10]^1)) + classic[11:] // one character changed
	badSum := classic[:len(classic)-1] + map[bool]string{true: "A", false: "B"}[classic[len(classic)-1] != 'A']
	fine := "github_pat_" + strings.Repeat("A1b2C3d4E5", 2) + "xy" + "_" + strings.Repeat("Zz9", 19) + "aa"
	routable := "glpat-" + strings.Repeat("aB3_-", 8) + ".01." + "0z1x2c3v4"
	hfToken := "hf_" + strings.Repeat("AbCdEfGhIjKlMnOpQ", 2) // 34 letters, as today's

	tests := []struct {
		name, host, token string
		wantErr           string // substring; "" means accepted
		wantKind, advice  string // substrings of Kind and Advice when accepted
	}{
		{"classic PAT", "github.com", classic, "", "classic personal access token", "fine-grained"},
		{"OAuth token from gh", "github.com", ghToken("gho_", random30), "", "OAuth", ""},
		{"user token", "github.com", ghToken("ghu_", random30), "", "App user", ""},
		{"installation token", "github.com", ghToken("ghs_", random30), "", "installation", ""},
		{"refresh token", "github.com", ghToken("ghr_", random30), "", "refresh", ""},
		{"longer refresh token", "github.com", "ghr_" + strings.Repeat("x1Y2", 19), "", "refresh", ""},
		{"classic on GitHub Enterprise host", "git.example.com", classic, "", "classic", "fine-grained"},
		{"fine-grained", "github.com", fine, "", "fine-grained", ""},
		{"GitLab", "gitlab.com", "glpat-" + "abcdefghij_KLMNOP-qrs", "", "GitLab", ""},
		{"GitLab routable", "gitlab.com", routable, "", "GitLab", ""},
		{"GitLab self-managed", "gitlab.example.org:8443", "glpat-" + strings.Repeat("x", 20), "", "GitLab", ""},
		{"unknown format elsewhere", "gitea.example.org", "0123456789abcdef0123456789abcdef01234567", "", "", ""},
		{"Bitbucket app password elsewhere", "bitbucket.example.org", "ATBBxyz123", "", "app password", ""},
		{"Bitbucket API token", "bitbucket.org", "ATATT3xFfGF0" + strings.Repeat("k", 40), "", "Bitbucket API token", ""},
		{"Bitbucket access token", "bitbucket.org", "ATCTT3xFfGN0" + strings.Repeat("k", 40), "", "Bitbucket access token", ""},
		{"Codeberg token", "codeberg.org", "0123456789abcdef0123456789abcdef01234567", "", "", ""},
		{"Azure DevOps PAT", "dev.azure.com", strings.Repeat("a", 52), "", "", ""},
		{"GitLab custom prefix on self-managed", "git.acme.example", "acme-glpat-" + strings.Repeat("x", 20), "", "", ""},
		{"GitLab job token", "gitlab.com", "glcbt-64_" + strings.Repeat("x", 20), "", "job token", ""},
		{"GitLab deploy token", "gitlab.com", "gldt-" + strings.Repeat("q", 20), "", "", ""},
		{"old GitHub format", "github.com", strings.Repeat("0123456789abcdef", 3)[:40], "", "old format", "old-format"},

		{"empty", "github.com", "", "empty", "", ""},
		{"checksum: one character changed", "github.com", swapped, "wrong checksum", "", ""},
		{"checksum: last character changed", "github.com", badSum, "wrong checksum", "", ""},
		{"truncated classic", "github.com", classic[:len(classic)-1], "too short: 35", "", ""},
		{"classic longer than today's 40 (GitHub may lengthen tokens)", "github.com", classic + "abc", "", "classic personal access token", "fine-grained"},
		{"classic over GitHub's 255", "github.com", classic + strings.Repeat("a", 216), "too long: 256", "", ""},
		{"two classic tokens pasted", "github.com", classic + classic, "unexpected character at position 44", "", ""},
		{"classic with a dash", "github.com", "ghp_" + random30[:29] + "-" + checksum62(random30), "unexpected character at position 34", "", ""},
		{"space inside", "github.com", classic[:20] + " " + classic[20:], "space at position 21", "", ""},
		{"tab", "gitea.example.org", "abc\tdef", "space at position 4", "", ""},
		{"control character", "gitea.example.org", "abc\x1bdef", "control character", "", ""},
		{"typographic quote", "gitea.example.org", "\u201cabcdef\u201d", "non-ASCII", "", ""},
		{"invalid UTF-8", "gitea.example.org", "abc\xffdef", "invalid byte", "", ""},
		{"password on github.com", "github.com", "hunter2hunter2", "start with github_pat_", "", ""},
		{"fine-grained shorter than today's (GitHub documents no length)", "github.com", fine[:60], "", "fine-grained", ""},
		{"fine-grained over GitHub's 255", "github.com", fine + strings.Repeat("a", 256-len(fine)), "too long: 256", "", ""},
		{"fine-grained with nothing after the prefix", "github.com", "github_pat_", "is empty after the prefix", "", ""},
		{"fine-grained with a dash", "github.com", fine[:30] + "-" + fine[31:], "unexpected character", "", ""},
		{"short GitLab", "gitlab.com", "glpat-abc", "too short", "", ""},
		{"GitLab with a slash", "gitlab.com", "glpat-" + strings.Repeat("a", 20) + "/", "unexpected character", "", ""},
		{"GitLab token for github.com", "github.com", "glpat-" + strings.Repeat("a", 20), "but the host is github.com", "", ""},
		{"GitHub token for gitlab.com", "gitlab.com", classic, "but the host is gitlab.com; use --host with the GitHub host (GitLab personal access tokens start with glpat-)", "", ""},
		{"Bitbucket app password", "bitbucket.org", "ATBBxyz123", "app passwords (ATBB...) are switched off; create an API token", "", ""},
		{"GitHub token for codeberg.org", "codeberg.org", classic, "(Gitea and Forgejo tokens are 40 hex characters)", "", ""},
		{"GitLab token for bitbucket.org", "bitbucket.org", "glpat-" + strings.Repeat("a", 20), "(Bitbucket API tokens start with ATATT", "", ""},

		// Hugging Face: hf_ and (today) 34 letters; OAuth tokens have another _.
		{"Hugging Face token", "huggingface.co", hfToken, "", "Hugging Face user access token", ""},
		{"Hugging Face token for hf.co", "hf.co", hfToken, "", "Hugging Face user access token", ""},
		{"Hugging Face token, other port", "huggingface.co:8443", hfToken, "", "Hugging Face user access token", ""},
		{"Hugging Face OAuth token", "huggingface.co", "hf_oauth_" + strings.Repeat("Ab3", 12), "", "Hugging Face", ""},
		{"Hugging Face token with digits (no alphabet documented)", "huggingface.co", "hf_" + strings.Repeat("a1B2", 9), "", "Hugging Face", ""},
		{"hf_ password on another host: that host's business", "git.example.org", "hf_pw-1", "", "", ""},
		{"cut-off Hugging Face token", "huggingface.co", hfToken[:15], "too short: 12 characters after hf_", "", ""},
		{"Hugging Face token with a dash", "huggingface.co", hfToken[:20] + "-" + hfToken[21:], "unexpected character at position 21 (only letters, digits and _)", "", ""},
		{"password on huggingface.co", "huggingface.co", "hunter2pass", "Hugging Face user access tokens start with hf_, and this one does not (your account password?", "", ""},
		{"password on hf.co", "hf.co", "hunter2hunter2", "create a token with the write role at https://huggingface.co/settings/tokens", "", ""},
		{"GitHub token for huggingface.co", "huggingface.co", classic, "this is a GitHub classic personal access token (ghp_...), but the host is huggingface.co; use --host with the GitHub host (Hugging Face user access tokens start with hf_)", "", ""},
		{"Hugging Face token for github.com", "github.com", hfToken, "this is a Hugging Face user access token (hf_...), but the host is github.com; use --host with the Hugging Face host", "", ""},
		{"Hugging Face token for gitlab.com", "gitlab.com", hfToken, "but the host is gitlab.com", "", ""},

		// Bitbucket Data Center: BBDC- tokens on a self-hosted host; older
		// versions' tokens have no prefix and are that host's business.
		{"Bitbucket Data Center token", "git.acme.example:7990", "BBDC-" + strings.Repeat("Mz4@+/_-", 6), "", "Bitbucket Data Center HTTP access token", ""},
		{"older Bitbucket Data Center token", "git.acme.example", "MDM0MjM5NDc2MDxxxxxxxxxxxxxxxxxxxxx", "", "", ""},
		{"Bitbucket Data Center token for bitbucket.org", "bitbucket.org", "BBDC-" + strings.Repeat("k", 44), "this is a Bitbucket Data Center HTTP access token (BBDC-...), but the host is bitbucket.org; use --host with the Bitbucket Data Center host", "", ""},
		{"Bitbucket Data Center token for github.com", "github.com", "BBDC-" + strings.Repeat("k", 44), "but the host is github.com", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := CheckToken(tc.host, tc.token)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !strings.Contains(info.Kind, tc.wantKind) || !strings.Contains(info.Advice, tc.advice) || (tc.advice == "" && info.Advice != "") {
					t.Fatalf("info = %+v, want kind ~%q advice ~%q", info, tc.wantKind, tc.advice)
				}
				return
			}
			var te *TokenError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want a TokenError containing %q", err, tc.wantErr)
			}
			if len(tc.token) >= 8 && strings.Contains(err.Error(), tc.token[len(tc.token)-8:]) {
				t.Fatalf("error quotes the token: %v", err)
			}
		})
	}
}

func TestMaskToken(t *testing.T) {
	classic := ghToken("ghp_", random30)
	tests := []struct{ token, want string }{
		{"", ""},
		{classic, "ghp_****" + classic[len(classic)-4:]},
		{"github_pat_" + strings.Repeat("x", 70) + "WXYZ", "github_pat_****WXYZ"},
		{"glpat-" + strings.Repeat("y", 16) + "1234", "glpat-****1234"},
		{"short", "****"},
		{"nineteen-characters", "****"},
		{"twenty-characters-ok", "****s-ok"[:4] + "s-ok"},
		{"glpat-abc", "glpat-****"}, // too little after the prefix to show any
		{"hf_" + strings.Repeat("q", 30) + "WXYZ", "hf_****WXYZ"},
		{"hf_user", "hf_****"},
		{"BBDC-" + strings.Repeat("k", 40) + "WXYZ", "BBDC-****WXYZ"},
	}
	for _, tc := range tests {
		if got := MaskToken(tc.token); got != tc.want {
			t.Errorf("MaskToken(%q) = %q, want %q", tc.token, got, tc.want)
		}
		if len(tc.token) > 12 && strings.Contains(MaskToken(tc.token), tc.token[len(tc.token)-8:]) {
			t.Errorf("MaskToken(%q) shows more than 4 characters", tc.token)
		}
	}
}

func TestCRC32IEEE(t *testing.T) {
	for _, s := range []string{"", "a", "123456789", "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ", "\x00\xff\x80", strings.Repeat("ghp_", 100)} {
		if got, want := crc32IEEE(s), crc32.ChecksumIEEE([]byte(s)); got != want {
			t.Errorf("crc32IEEE(%q) = %#x, want %#x (hash/crc32)", s, got, want)
		}
	}
}

func FuzzCRC32IEEE(f *testing.F) {
	f.Add("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := crc32IEEE(s), crc32.ChecksumIEEE([]byte(s)); got != want {
			t.Errorf("crc32IEEE(%q) = %#x, want %#x (hash/crc32)", s, got, want)
		}
	})
}

func BenchmarkGitHubChecksum(b *testing.B) {
	for b.Loop() {
		GitHubChecksum("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
	}
}

func TestLooksLikeToken(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"glpat-abcdefghijklmnopqrst", true}, // no digit: Redacted misses it
		{"gldt-abcdefghijklmnopqrst", true},
		{"hf_abcdefghijklmnopqrstuvwxyzabcdefgh", true},
		{"ghp_abcdefgh", true},
		{"hf_user", false}, // Hugging Face's username
		{"ghp_", false},
		{"alice", false},
		{"x-token-auth", false},
	} {
		if got := LooksLikeToken(tc.s); got != tc.want {
			t.Errorf("LooksLikeToken(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// A trace or message prints credentials through credential.Redacted,
// below every forge: a username in a known token format is masked there
// even when its random part has no digit and few capitals.
func TestRedactedMasksKnownTokenFormats(t *testing.T) {
	for _, tc := range []struct{ user, want string }{
		{"glpat-abcdefghijklmnopqrst", "<redacted>"},
		{"gldt-abcdefghijklmnopqrst", "<redacted>"},
		{"hf_abcdefghijklmnopqrstuvwxyzabcdefgh", "<redacted>"},
		{"hf_user", "hf_user"},
		{"x-access-token", "x-access-token"},
	} {
		c := credential.Credential{Protocol: "https", Host: "gitlab.com", Username: tc.user}
		if got := c.Redacted().Username; got != tc.want {
			t.Errorf("Redacted().Username for %q = %q, want %q", tc.user, got, tc.want)
		}
	}
}
