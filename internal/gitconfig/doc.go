// Package gitconfig is the one place that reads git's configuration and
// applies it the way git does, so that commands, setup and doctor see the
// credential helpers git really runs.
package gitconfig
