// Package dbus is a minimal D-Bus client: one private connection to a
// bus over a unix socket, EXTERNAL authentication, and method calls with
// their replies. It holds exactly what the Secret Service client in
// backends needs, so the helper git runs on every request does not link
// a general D-Bus library (its package inits cost every call; see
// bench/results.md) nor package net (it dials with internal/unixsock).
//
// Messages are marshalled by hand from a small value model (value.go),
// without reflection. Everything read from the bus is checked against the
// specification's limits and ours (maxMessage, maxValues, nesting), so a
// broken or hostile bus gives an error, never a panic or a large
// allocation.
package dbus
