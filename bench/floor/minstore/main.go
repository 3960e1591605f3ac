// Command minstore is bench/run.sh's floor of a durable Go store of a new
// token into a credential-store file: it builds the entry's line from the
// request on stdin, creates FILE.lock exclusively, writes the line into
// it, has the kernel append the old file (io.Copy between files is
// copy_file_range on Linux), fsyncs it, renames it over FILE and fsyncs the
// directory. That is git credential-store's rewrite without its parsing,
// plus the fsyncs that let the file survive a crash. It does not search
// the file (it would keep an entry the new one replaces) or check
// anything; do not use it. It opens files as the helper does (openFile).
package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

func main() {
	if len(os.Args) != 3 || os.Args[2] != "store" {
		os.Stderr.WriteString("usage: minstore FILE store\n")
		os.Exit(2)
	}
	path := os.Args[1]
	req, _ := io.ReadAll(os.Stdin)
	f := map[string]string{}
	for _, l := range bytes.Split(req, []byte("\n")) {
		if k, v, ok := bytes.Cut(l, []byte("=")); ok {
			f[string(k)] = string(v)
		}
	}
	line := f["protocol"] + "://" + f["username"] + ":" + f["password"] + "@" + f["host"] + "\n"

	lock, err := openFile(path+".lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	check(err)
	lockPath = path + ".lock" // ours to remove if anything below fails
	_, err = lock.WriteString(line)
	check(err)
	if old, err := openFile(path, os.O_RDONLY, 0); err == nil {
		_, err = io.Copy(lock, old)
		check(err)
		old.Close()
	}
	check(lock.Sync())
	check(lock.Close())
	check(os.Rename(path+".lock", path))
	lockPath = ""
	dir, err := openFile(filepath.Dir(path), os.O_RDONLY, 0)
	check(err)
	check(dir.Sync())
}

// lockPath is the lock file this run created and has not renamed yet.
var lockPath string

func check(err error) {
	if err != nil {
		if lockPath != "" {
			os.Remove(lockPath) // a failed run must not block the next
		}
		os.Stderr.WriteString("minstore: " + err.Error() + "\n")
		os.Exit(1)
	}
}

// openFile is os.OpenFile without the runtime's poller, which os.OpenFile
// starts for any file (epoll, eventfd, fcntls): a blocking descriptor
// wrapped by os.NewFile stays out of it, as the helper's (internal/nopoll).
func openFile(path string, flag int, perm uint32) (*os.File, error) {
	fd, err := syscall.Open(path, flag|syscall.O_CLOEXEC, perm)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
