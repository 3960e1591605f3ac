// Package keyringtest runs a private D-Bus session bus and a real
// gnome-keyring-daemon for tests, so code that talks to the Secret Service
// is tested against the real thing without ever touching the user's own
// keyring. It works on Linux only; elsewhere the package is empty.
//
// Use Start in a test (one keyring per test, stopped by t.Cleanup) or
// StartMain in TestMain (one keyring per test binary). Either way, hand
// Keyring.Env to the code or binary under test: it names the private bus.
package keyringtest
