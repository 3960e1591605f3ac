package cli

import "github.com/git-credential-pat/git-credential-pat/forge"

// ghToken returns a well-formed GitHub token: prefix, random, checksum.
func ghToken(prefix, random string) string { return prefix + random + forge.GitHubChecksum(random) }

const random30 = "FakeTokenForTests0123456789abc" // 30 base62 characters
