package backends

import (
	"io/fs"
	"syscall"
)

// fileStamp tells a file's contents apart without reading them: which file
// (device and inode), its size, and its modification and change times
// (the change time moves with any write and cannot be set back).
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
	return fileStamp{uint64(sys.Dev), uint64(sys.Ino), sys.Size, sys.Mtim, sys.Ctim}, true
}
