package backends

const (
	// go-keyring refuses a Keychain item whose service, account and secret
	// pass about 3000 bytes (its `security` command line is capped at 4 KiB).
	maxSecretBytes  = 3000
	secretLimitName = "macOS Keychain's"
	stuckAdvice     = "it may be waiting for you to answer a Keychain dialog or to unlock the login keychain: do so in Keychain Access"
)
