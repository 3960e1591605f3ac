//go:build !unix

package cli

// RestrictUmask does nothing where there is no umask; Windows profile
// directories are private to their user by ACL.
func RestrictUmask() {}
