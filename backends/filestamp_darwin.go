package backends

import (
	"io/fs"
	"syscall"
)

// fileStamp: see filestamp_linux.go.
type fileStamp struct {
	dev, ino     uint64
	size         int64
	mtime, ctime syscall.Timespec
}

func stampOf(st fs.FileInfo) (fileStamp, bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok || !st.Mode().IsRegular() {
		return fileStamp{}, false
	}
	return fileStamp{uint64(sys.Dev), sys.Ino, sys.Size, sys.Mtimespec, sys.Ctimespec}, true
}
