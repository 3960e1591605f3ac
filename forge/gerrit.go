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

// gerritTokenPage is the settings section where a Gerrit user generates
// an HTTP credential: Settings > HTTP Credentials,
// https://gerrit-review.googlesource.com/Documentation/user-upload.html#http
// (a Gerrit served under a path prefix has it under that prefix, which
// this program does not learn).
func gerritTokenPage(host string) string {
	return "https://" + host + "/settings/#HTTPCredentials"
}
