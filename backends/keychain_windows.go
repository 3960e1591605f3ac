package backends

const (
	// Credential Manager caps a credential blob at 2560 bytes.
	maxSecretBytes  = 2560
	secretLimitName = "Windows Credential Manager's"
	stuckAdvice     = "Credential Manager is not answering: sign out and back in, then retry"
)
