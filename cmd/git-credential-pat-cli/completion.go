package main

import (
	"strings"

	"github.com/git-credential-pat/git-credential-pat/internal/help"
)

// completionCmd prints a shell completion script.
func completionCmd() command {
	return command{
		summary: "print shell completions: completion " + strings.Join(help.CompletionShells, "|"),
		globals: noGlobals,
		run: func(c *call) error {
			return help.Completion(c.stdout, helpText(), strings.Join(c.args, " "))
		},
	}
}
