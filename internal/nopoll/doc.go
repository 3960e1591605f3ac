// Package nopoll opens files as package os does, but never hands them to
// the Go runtime's network poller.
//
// os.Open offers every descriptor to the poller: the first one makes the
// runtime create an epoll instance and an eventfd, and each one costs four
// fcntl calls and an epoll_ctl that Linux refuses for a regular file. The
// helper git runs opens a few regular files and exits within 2 ms, and
// that set-up was about 0.07 ms of it (bench/README.md). A regular file
// gains nothing from the poller: its reads and writes never wait for
// readiness.
package nopoll
