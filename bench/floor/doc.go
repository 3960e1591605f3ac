// Package floor holds the benchmark's floor programs, not part of the
// product: the least a Go program can do for the jobs bench/run.sh times,
// so that its results can say what any Go helper would cost.
//
//   - minget: a credential-store get with nothing but package os (no
//     checks, no matching rules, no metadata): the floor of a Go get.
//   - gitcacheclient: git credential-cache's client written in Go with
//     package syscall only, talking to git's own daemon: the floor of a Go
//     cache client, against the same daemon as git's C client.
package floor
