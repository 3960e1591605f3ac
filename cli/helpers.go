package cli

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
)

// helperSetting is one credential.helper (or credential.<url>.helper)
// value from git config, in the order git reads them.
type helperSetting struct {
	Scope  string // system, global, local, worktree or command
	Origin string // file:/path or "command line:"
	URL    string // the <url> of credential.<url>.helper; "" for credential.helper
	Value  string
}

// Where names the setting for a message: `"store" (global, ~/.gitconfig)`.
func (h helperSetting) Where() string {
	origin := strings.TrimPrefix(h.Origin, "file:")
	if origin == "" || h.Scope == "command" {
		return h.Scope
	}
	return h.Scope + ", " + origin
}

// configHelpers returns every credential helper setting git sees in dir.
func configHelpers(ctx context.Context, dir string) ([]helperSetting, error) {
	out, err := runGit(ctx, dir, "config", "--null", "--show-scope", "--show-origin", "--get-regexp", `^credential\.(.+\.)?helper$`)
	if errors.Is(err, errNotSet) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var hs []helperSetting
	fields := strings.Split(out, "\x00")
	for i := 0; i+2 < len(fields); i += 3 {
		key, value, _ := strings.Cut(fields[i+2], "\n")
		h := helperSetting{Scope: fields[i], Origin: fields[i+1], Value: value}
		if mid := strings.TrimSuffix(strings.TrimPrefix(key, "credential."), "helper"); mid != "" {
			h.URL = strings.TrimSuffix(mid, ".")
		}
		hs = append(hs, h)
	}
	return hs, nil
}

// effectiveHelpers applies git's rule to the plain credential.helper
// settings: an empty value clears the list read so far.
func effectiveHelpers(all []helperSetting) (effective []helperSetting, lastReset *helperSetting) {
	for i, h := range all {
		if h.URL != "" {
			continue
		}
		if h.Value == "" {
			effective, lastReset = nil, &all[i]
			continue
		}
		effective = append(effective, h)
	}
	return effective, lastReset
}

// splitWords splits a helper value the way a POSIX shell would for the
// simple quoting people and setup write: '...', "..." and backslashes.
func splitWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// helperExecutable returns the program git runs for a helper value of
// ours: an absolute path as written, a "!cmd" snippet's first word looked
// up on PATH, or git-credential-pat on git's exec path and PATH for the
// short form "pat".
func helperExecutable(ctx context.Context, value string) (string, error) {
	shell := strings.HasPrefix(value, "!")
	words := splitWords(strings.TrimPrefix(value, "!"))
	if len(words) == 0 {
		return "", errors.New("empty helper")
	}
	w := words[0]
	switch {
	case filepath.IsAbs(w):
		return w, nil
	case shell || strings.Contains(w, "/"):
		return exec.LookPath(w)
	}
	name := "git-credential-" + w
	if out, err := runGit(ctx, "", "--exec-path"); err == nil {
		p := filepath.Join(strings.TrimSpace(out), name)
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// storeIdentityFlags are the flags that choose which tokens a helper sees.
var storeIdentityFlags = []string{"store", "file", "socket"}

// storeIdentity extracts those flags from a helper value or an argument
// list; the default store is "file".
func storeIdentity(words []string) map[string]string {
	id := map[string]string{"store": "file"}
	for i := 0; i < len(words); i++ {
		w := words[i]
		for _, f := range storeIdentityFlags {
			if v, ok := strings.CutPrefix(w, "--"+f+"="); ok {
				id[f] = v
			} else if w == "--"+f && i+1 < len(words) {
				id[f] = words[i+1]
				i++
			}
		}
	}
	return id
}

// sameStore reports whether the helper value reads the store the given
// flags name; when not, it returns the helper's store flags for a message.
func sameStore(helperValue string, storeArgs []string) (bool, string) {
	words := splitWords(strings.TrimPrefix(helperValue, "!"))
	if len(words) > 0 {
		words = words[1:]
	}
	theirs, ours := storeIdentity(words), storeIdentity(storeArgs)
	var desc []string
	same := true
	for _, f := range storeIdentityFlags {
		if theirs[f] != ours[f] {
			same = false
		}
		if theirs[f] != "" {
			desc = append(desc, "--"+f+" "+shellQuote(theirs[f]))
		}
	}
	return same, strings.Join(desc, " ")
}
