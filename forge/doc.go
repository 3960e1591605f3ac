// Package forge holds what each forge (GitHub, GitLab, Bitbucket, Codeberg,
// Azure DevOps, Hugging Face, ...) means to a token helper: its hosts, token shapes and checksums, the
// username that goes with a token, where a person creates a token, and its
// SSH-over-443 aliases. It does no I/O (API calls live in forge/api), so the
// path git runs for get/store/erase can use it without net/http.
package forge
