// Package unixserve is the server side of a unix socket for the cache
// daemon and the agent: listening (replacing a dead server's socket),
// the accept loop, and the cache daemon's listener that answers without
// the runtime's poller while it need not wait (ListenDirect). It uses
// package net, so only the daemons import it; what clients and the lean helper need (dialling, peer credentials, the
// private socket directory, starting a daemon) is in internal/unixsock,
// which does not.
package unixserve
