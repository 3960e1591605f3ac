//go:build !linux

package daemon

func harden() { limitCore() }

func rss() int64 { return 0 }
