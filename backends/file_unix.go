//go:build unix

package backends

import (
	"os"
	"syscall"
)

// fileOwner returns the uid that owns path.
func fileOwner(path string) (int, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}
