package main

import (
	"io"

	"github.com/git-credential-pat/git-credential-pat/internal/help"
)

// helpText is helpDoc. The command table lists manCmd and completionCmd,
// which need the table (through helpDoc); referring to it directly would be
// an initialization cycle, so it is assigned in init.
var helpText func() help.Help

func init() { helpText = helpDoc }

// manCmd prints the man page, made from the same text as help.
func manCmd() command {
	return command{
		summary: "print the manual page (roff) made from this help, for man and git help",
		globals: noGlobals,
		run: func(c *call) error {
			_, err := io.WriteString(c.stdout, help.Man(helpText()))
			return err
		},
	}
}
