//go:build unix

package cache

// NewTestOptions lets the external tests use testOptions.
var NewTestOptions = testOptions
