package storetest

import (
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// The suite must hold for the reference in-memory store first.
func TestMemoryConformance(t *testing.T) {
	Run(t, func(*testing.T) credential.Store { return &Memory{} })
}
