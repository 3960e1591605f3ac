// Package nopoll opens files as package os does, but without handing them
// to the Go runtime's network poller. It takes the flags and permission
// bits the helper's files use; a descriptor opened with O_NONBLOCK would
// still go to the poller (os.NewFile's rule), and setuid, setgid and
// sticky bits are dropped.
//
// os.Open offers every descriptor to the poller: the first one makes the
// runtime create an epoll instance and an eventfd, and each one costs four
// fcntl calls and an epoll_ctl that Linux refuses for a regular file. The
// helper git runs opens a few regular files and exits within 2 ms; in
// alternating runs against an empty Go binary, that set-up cost a 1-entry
// get 0.03-0.04 ms, and bench/floor/minget 0.07 ms. A regular file gains
// nothing from the poller: its reads and writes never wait for readiness.
package nopoll
