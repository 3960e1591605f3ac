package forge

// KindGerrit is Gerrit Code Review, always self-hosted
// (review.example.org): login recognises it by asking its REST API (see
// forge/api.ProbeGerrit) and remembers the answer. Its HTTPS git
// authentication is Basic auth with the Gerrit account's username and an
// HTTP password (called HTTP credentials, and in newer releases
// authentication tokens) generated on the user's settings page; it is not
// the password of the sign-in provider:
// https://gerrit-review.googlesource.com/Documentation/user-upload.html#http ,
// https://gerrit-review.googlesource.com/Documentation/rest-api.html#authentication
const KindGerrit = "Gerrit"

// GerritUsernameNeeded says why a token for a Gerrit host needs the
// account's username given with it: Gerrit checks the username (it names
// the account whose HTTP credential the password is), and no username
// can be learned from the token alone, since its API takes the same
// username:password pair.
func GerritUsernameNeeded(host string) string {
	return "Gerrit checks the username that goes with an HTTP credential: it must be your Gerrit account's username (shown at " + gerritTokenPage(host) + "); run: git-credential-pat login --host " + host + " --username YOUR_GERRIT_USERNAME"
}

// UsernameNeededFor is UsernameNeeded for a forge whose kind is known
// (login has asked the host): "" when any username works or the forge's
// own goes with the token.
func UsernameNeededFor(kind, host, token string) string {
	if kind == KindGerrit {
		return GerritUsernameNeeded(host)
	}
	return UsernameNeeded(host, token)
}

// gerritTokenPage is the settings section where a Gerrit user generates
// an HTTP credential: Settings > HTTP Credentials,
// https://gerrit-review.googlesource.com/Documentation/user-upload.html#http
// (a Gerrit served under a path prefix has it under that prefix, which
// this program does not learn).
func gerritTokenPage(host string) string {
	return "https://" + host + "/settings/#HTTPCredentials"
}
