// Package cli implements the commands people run by hand (setup,
// unconfigure, login, doctor, ...). The git-facing protocol lives in
// credential, the stores in backends, forge rules in forge, token expiry in
// expiry and help rendering in internal/help; cmd/git-credential-pat-cli only
// parses flags and calls into here.
package cli
