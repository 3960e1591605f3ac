// Package floor holds the benchmark's floor programs, not part of the
// product: the least a Go program can do for the jobs bench/run.sh times,
// so that its results can say what any Go helper would cost.
//
//   - minget: a credential-store get with nothing but package os (no
//     checks, no matching rules, no metadata): the floor of a Go get.
//   - gitcacheclient: git credential-cache's client written in Go with
//     package syscall only, talking to git's own daemon: the floor of a Go
//     cache client, against the same daemon as git's C client. With
//     FLOOR_PROTOCOL=pat it speaks our daemon's protocol instead, so that
//     the bench can time our daemon apart from our client.
//   - minstore: a store of a new token that keeps the file durable (lock
//     file, new line, kernel copy of the old file, fsync, rename, fsync of
//     the directory) with no search and no checks: the floor of a durable
//     Go store.
package floor
