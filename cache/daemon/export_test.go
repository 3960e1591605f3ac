//go:build unix

package daemon

// NewTestOptions lets the external tests use testOptions.
var NewTestOptions = testOptions
