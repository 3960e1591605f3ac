package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"
)

// isTerminal reports whether r is a terminal: a person typing, not git.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// unknownCommand says that word is no command and which one was probably
// meant, as the command line "git-credential-pat " + run + that command
// (a person at a terminal typed it; git's unknown actions are ignored
// silently elsewhere).
func unknownCommand(word, run string) string {
	msg := fmt.Sprintf("unknown command %q", word)
	if near := nearestCommand(word); near != "" {
		msg += fmt.Sprintf("; did you mean %s? (git-credential-pat %s%s)", near, run, near)
	}
	return msg + "; run git-credential-pat help to see the commands"
}

// nearestCommand is the visible command (or help) closest to word in edit
// distance, or "" when none is close enough to be a typo of it.
func nearestCommand(word string) string {
	names := []string{"help"}
	for _, c := range helpDoc().Visible() {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	best, bestDist := "", 0
	w := strings.ToLower(word)
	for _, n := range names {
		d := editDistance(w, n)
		if strings.HasPrefix(n, w) && len(w) >= 3 {
			d = 1 // a command's start: "unconf"
		}
		if best == "" || d < bestDist {
			best, bestDist = n, d
		}
	}
	if bestDist > 2 || bestDist > len(best)/2 {
		return ""
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and
// swaps of neighbours that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
