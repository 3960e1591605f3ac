package unixsock

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Spawn starts exe with args detached from our session, hands it the
// write end of a pipe as file descriptor 3 (readyEnv=3 in its
// environment), and returns what it writes there before closing it or
// before deadline: "ok\n" once it listens, or why it could not. An empty
// message means it exited without a word. pid is the started process.
func Spawn(exe string, args []string, readyEnv string, deadline time.Time) (msg string, pid int, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", 0, fmt.Errorf("starting %s: %w", exe, err)
	}
	defer r.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), readyEnv+"=3") // ExtraFiles[0] is fd 3
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = Detached()
	err = cmd.Start()
	w.Close()
	if err != nil {
		return "", 0, fmt.Errorf("starting %s: %w", exe, err)
	}
	go cmd.Wait() // reap it should it exit while we still run

	r.SetReadDeadline(deadline)
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		cmd.Process.Kill()
		return "", 0, fmt.Errorf("%s did not report ready: %w", exe, err)
	}
	return string(b), cmd.Process.Pid, nil
}

// ReadyPipe returns the pipe a Spawn caller waits on, if this process was
// started by one, and takes readyEnv out of the environment so that what
// this process starts in turn does not inherit it.
func ReadyPipe(readyEnv string) *os.File {
	v := os.Getenv(readyEnv)
	os.Unsetenv(readyEnv)
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil
	}
	return os.NewFile(uintptr(fd), "ready")
}
