package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// dropFromPageCache asks the kernel to forget f's cached pages (f is
// synced first, so none is dirty): its next exec reads it from disk.
func dropFromPageCache(f *os.File) error {
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// checkOnDisk refuses a directory on a tmpfs, where dropping a copy from
// the page cache does nothing: its runs would not load it from disk.
func checkOnDisk(dir string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return err
	}
	if st.Type == unix.TMPFS_MAGIC || st.Type == unix.RAMFS_MAGIC {
		return fmt.Errorf("%s is in memory (tmpfs): give -dir a directory on a disk, so that copies are loaded from it", dir)
	}
	return nil
}
