package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/git-credential-pat/git-credential-pat/cache"
	"github.com/git-credential-pat/git-credential-pat/expiry"
)

// PrintCacheStatus describes the cache daemon for people: never secrets.
func PrintCacheStatus(w io.Writer, socket string, st cache.StatusInfo) {
	if !st.Running {
		fmt.Fprintf(w, "cache daemon: not running (socket %s); the next store starts it\n", socket)
		return
	}
	next := "none"
	if !st.NextExpiry.IsZero() {
		next = fmt.Sprintf("%s (%s)", expiry.HumanizeAhead(time.Until(st.NextExpiry)), st.NextExpiry.Local().Format("15:04:05"))
	}
	fmt.Fprintf(w, "cache daemon: running, pid %d, socket %s\nentries: %d\nnext expiry: %s\nmemory: %.1f MiB\n",
		st.PID, socket, st.Entries, next, float64(st.RSS)/(1<<20))
}
