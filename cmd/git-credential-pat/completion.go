package main

import (
	"strings"

	"github.com/git-credential-pat/git-credential-pat/cli"
)

// completionCmd prints a shell completion script.
func completionCmd() command {
	return command{
		summary: "print shell completions: completion " + strings.Join(cli.CompletionShells, "|"),
		run: func(c *call) error {
			return cli.Completion(c.stdout, helpText(), strings.Join(c.args, " "))
		},
	}
}
