// Package unixsock holds what the cache daemon, the agent and their
// clients share about secrets on a unix socket: dialling without package
// net, who is on the other end (peer credentials), a private socket
// directory, and starting a detached daemon that reports on a pipe once it
// listens. It exists so the two daemons do not carry two copies of these
// checks. Listening and accepting are in internal/unixserve, which uses
// package net: the lean helper links this package and must not link net.
package unixsock
