package testenv

import (
	"os"
	"runtime"
	"testing"
)

// fakeTB records how a test ended; Fatal and Skip end the goroutine, as
// testing's do.
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Fatal(...any) { f.failed = true; runtime.Goexit() }
func (f *fakeTB) Skip(...any)  { f.skipped = true; runtime.Goexit() }

// end runs call with a fakeTB on a goroutine of its own and reports how it
// ended.
func end(call func(testing.TB)) (failed, skipped bool) {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		call(f)
	}()
	<-done
	return f.failed, f.skipped
}

// Under CI a missing piece fails the test; elsewhere it skips it; what is
// there lets it go on.
func TestUnavailable(t *testing.T) {
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		wantFail := ci == "true"
		check := func(what string, call func(testing.TB), missing bool) {
			t.Helper()
			failed, skipped := end(call)
			if want := missing && wantFail; failed != want {
				t.Errorf("CI=%q, %s: failed = %v, want %v", ci, what, failed, want)
			}
			if want := missing && !wantFail; skipped != want {
				t.Errorf("CI=%q, %s: skipped = %v, want %v", ci, what, skipped, want)
			}
		}
		check("Unavailable", func(tb testing.TB) { Unavailable(tb, "%s is gone", "thing") }, true)
		check("Tool(sh)", func(tb testing.TB) { Tool(tb, "sh", "dash") }, false)
		check("Tool(missing)", func(tb testing.TB) { Tool(tb, "no-such-tool-git-credential-pat", "none") }, true)
		check("Root", func(tb testing.TB) { Root(tb, "this") }, os.Geteuid() != 0)
	}
}
