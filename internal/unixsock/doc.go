// Package unixsock holds what the cache daemon and the agent share about
// serving secrets on a unix socket: who is on the other end (peer
// credentials), a private socket directory, listening (replacing a dead
// server's socket) and the accept loop, and starting a detached daemon
// that reports on a pipe once it listens. It exists so the two daemons do
// not carry two copies of these checks.
package unixsock
