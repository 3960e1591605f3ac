//go:build unix

package cli

import "syscall"

// RestrictUmask makes every file and directory this process creates private
// to the user, whatever mode a code path asks for (like git's umask 077 in
// credential-store).
func RestrictUmask() { syscall.Umask(0o077) }
