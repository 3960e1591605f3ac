// Package shquote quotes a word for the POSIX shell, for the commands that
// messages advise (chmod 600 PATH) and the helper lines setup writes,
// which git runs through the shell.
package shquote

import "strings"

// Quote returns s as one shell word: as it is when it holds only
// characters the shell takes literally, else in single quotes.
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
