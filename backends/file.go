package backends

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/git-credential-pat/git-credential-pat/credential"

	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
)

// FileStore keeps credentials in a text file that git's own
// credential-store can read: one "proto://user:pass@host[/path]" line per
// credential, percent-encoded. Attributes git's format cannot hold (expiry,
// refresh token, authtype, the mark of a secret reference stored with
// login --ref) go on a "#pat " line just before their entry; git ignores
// such lines and keeps them when it rewrites the file.
type FileStore struct {
	Path        string
	LockTimeout time.Duration
	Warn        func(string) // called for permission problems; nil = stderr
}

// metaPrefix starts the lines that carry what git's format cannot hold.
const metaPrefix = "#pat "

// DefaultFilePath is $XDG_CONFIG_HOME/git-credential-pat/credentials.
func DefaultFilePath() (string, error) {
	dir, err := xdg.ConfigDir()
	if err != nil {
		return "", fmt.Errorf("file store: no home directory: %w (set --file)", err)
	}
	return filepath.Join(dir, "credentials"), nil
}

func init() {
	Register(Descriptor{Name: "file", Help: "plain file in git-credential-store format, mode 0600",
		Open: openFile, Cacheable: true, Identity: fileIdentity,
		Flags: func(o *Options) []Flag {
			return []Flag{
				{"file", "credentials file for --store file (default $XDG_CONFIG_HOME/git-credential-pat/credentials)", StringValue(&o.File)},
				{"lock-timeout", "how long to wait for a file store lock held by git's credential-store before giving up (default 1s; a running git-credential-pat writer is waited for)", DurationValue(&o.LockTimeout)},
			}
		}})
}

// fileIdentity is the file store's part of StoreIdentity: its absolute
// path (the default one when o.File is empty).
func fileIdentity(o Options) (string, error) {
	p := o.File
	if p == "" {
		var err error
		if p, err = DefaultFilePath(); err != nil {
			return "", err
		}
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("file store: path %s: %w", p, err)
	}
	return "file=" + strconv.Quote(abs), nil
}

func openFile(o Options) (credential.Store, error) {
	p := o.File
	if p == "" {
		var err error
		if p, err = DefaultFilePath(); err != nil {
			return nil, err
		}
	}
	t := o.LockTimeout
	if t == 0 {
		t = time.Second // git's credentialStore.lockTimeoutMS default
	}
	return &FileStore{Path: p, LockTimeout: t, Warn: o.Warn}, nil
}

// line is one line of the file: a parsed entry, a meta line, or text we
// do not understand and must keep as it is.
type line struct {
	raw   string
	entry *credential.Credential // a git-format credential line
	meta  *meta                  // a "#pat " line
}

type meta struct {
	key    credential.Credential // identity only
	pwHash string                // fingerprint of the password it belongs to
	extra  credential.Credential // expiry, refresh token, authtype, credential
	used   bool                  // joined to an entry while parsing
}

// Get returns the first eligible entry; new entries are written first, so
// that is the most recent one.
func (f *FileStore) Get(_ context.Context, q credential.Credential) (credential.Credential, error) {
	path, err := f.target()
	if err != nil {
		return credential.Credential{}, err
	}
	data, err := f.readAt(path, q.Host)
	if err != nil {
		return credential.Credential{}, err
	}
	// Only lines that can name the host are parsed: a lookup in a
	// 100,000-line file is a substring search.
	entries := entriesOf(parse(data, q.Host, false))
	if c, ok := entries.Find(q, time.Now()); ok {
		return c, nil
	}
	return credential.Credential{}, credential.ErrNotFound
}

// Store adds c first in the file, replacing the entry with the same key.
// Storing an identical entry again changes nothing and writes nothing.
func (f *FileStore) Store(_ context.Context, c credential.Credential) error {
	// The file's format writes the protocol unescaped: only a URL scheme
	// reads back as the entry it was (see credential.CheckProtocol).
	if err := credential.CheckProtocol(c.Protocol); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	return f.update(c.Host, func(lines []line) ([]line, bool) {
		for _, l := range lines {
			if l.entry != nil && credential.SameKey(*l.entry, c) && credential.SamePersistent(*l.entry, c) {
				return lines, false
			}
		}
		out := []line{{entry: &c}}
		for _, l := range lines {
			if l.entry == nil || !credential.SameKey(*l.entry, c) {
				out = append(out, l)
			}
		}
		return out, true
	})
}

// Erase removes every entry matching q (password included when q has one).
func (f *FileStore) Erase(_ context.Context, q credential.Credential) error {
	return f.update(q.Host, func(lines []line) ([]line, bool) {
		out := lines[:0:0]
		for _, l := range lines {
			if l.entry == nil || !credential.Erasable(q, *l.entry) {
				out = append(out, l)
			}
		}
		return out, len(out) != len(lines)
	})
}

// List returns every entry in file order.
func (f *FileStore) List(context.Context) ([]credential.Credential, error) {
	data, err := f.read()
	if err != nil {
		return nil, err
	}
	return entriesOf(parse(data, "", false)), nil
}

func (f *FileStore) warn(msg string) {
	if f.Warn != nil {
		f.Warn(msg)
		return
	}
	fmt.Fprintln(os.Stderr, "git-credential-pat: warning: "+msg)
}

// read returns the file's contents; a missing file is empty.
func (f *FileStore) read() (string, error) {
	path, err := f.target()
	if err != nil {
		return "", err
	}
	return f.readAt(path, "")
}

// target resolves a symlinked credentials file (dotfile setups) to the
// file it points at, like git's lockfile does, and refuses one that belongs
// to another user: following it would hand our tokens to them. It also
// refuses a symlink another user made in a shared sticky directory (/tmp),
// whatever it points at: the link's owner chose the file we would write.
func (f *FileStore) target() (string, error) {
	st, err := os.Lstat(f.Path)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return f.Path, nil
	}
	if uid, ok := foreignLinkInSharedDir(f.Path, st); ok {
		return "", fmt.Errorf("file store: %s is a symlink that another user (uid %d) made in %s, a directory anyone can write to (sticky, like /tmp); following it would let them choose which file gets your tokens, so it is refused (as the kernel's protected_symlinks does); keep the credentials file in a directory only you can write to, such as the default (remove --file)", f.Path, uid, filepath.Dir(f.Path))
	}
	real, err := filepath.EvalSymlinks(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("file store: %s is a symlink to a missing file; remove it or point it at your credentials file", f.Path)
	}
	if err != nil {
		return "", fmt.Errorf("file store: %w", err)
	}
	if owner, ok := fileOwner(real); ok && owner != os.Geteuid() {
		return "", fmt.Errorf("file store: %s is a symlink to %s, which belongs to another user (uid %d); refusing to use it", f.Path, real, owner)
	}
	return real, nil
}

// readAt returns the file's contents, or with a host only the lines that
// can name it (see candidates), read in chunks so a large file is never
// held in memory whole. A missing file is empty.
func (f *FileStore) readAt(path, host string) (string, error) {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("file store: %w", err)
	}
	defer fh.Close()
	var b strings.Builder
	bufSize := 256 << 10
	if st, err := fh.Stat(); err == nil {
		bufSize = int(min(st.Size()+1, int64(bufSize)))
		if st.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
			f.warn(fmt.Sprintf("%s is readable by other users (mode %04o); run: chmod 600 %s", path, st.Mode().Perm(), path))
		}
		if host == "" {
			b.Grow(int(st.Size()) + 512) // read straight into the final string
		}
	}
	if host != "" {
		err = scanCandidates(fh, host, bufSize, &b)
	} else {
		_, err = io.Copy(&b, fh)
	}
	if err != nil {
		return "", fmt.Errorf("file store: reading %s: %w", path, err)
	}
	return b.String(), nil
}

// scanCandidates copies to out the lines of r that can name host, in
// order, reading through a reused buffer.
func scanCandidates(r io.Reader, host string, bufSize int, out *strings.Builder) error {
	buf := make([]byte, max(bufSize, 512))
	have := 0
	for {
		n, err := r.Read(buf[have:])
		have += n
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return err
		}
		end := bytes.LastIndexByte(buf[:have], '\n') + 1 // complete lines only
		if eof {
			end = have
		}
		if end > 0 {
			// The chunk is only read while buf holds it; matching lines are
			// copied out before buf is reused.
			chunk := unsafe.String(&buf[0], end)
			for _, start := range candidates(chunk, host) {
				line := chunk[start:]
				if i := strings.IndexByte(line, '\n'); i >= 0 {
					line = line[:i]
				}
				out.WriteString(line)
				out.WriteByte('\n')
			}
			have = copy(buf, buf[end:have])
		}
		if eof {
			return nil
		}
		if have == len(buf) {
			buf = append(buf, make([]byte, len(buf))...) // a line longer than the buffer
		}
	}
}

// update runs change on the parsed file under the lock and, if it reports a
// change, writes the result to the lock file and renames it into place, so
// a reader or a crash sees the old file or the new one, never a mix.
//
// Only lines that can name host are parsed; the others are written back
// exactly as they were (host "" parses everything).
func (f *FileStore) update(host string, change func([]line) ([]line, bool)) error {
	path, err := f.target()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("file store: creating %s: %w", dir, err)
	}
	lock := path + ".lock"
	fh, err := f.acquire(lock)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if committed {
			fh.Close()
		} else {
			dropLock(fh, lock)
		}
	}()
	data, err := f.readAt(path, "")
	if err != nil {
		return err
	}
	lines, changed := change(parse(data, host, true))
	if !changed {
		return nil
	}
	if _, err := fh.WriteString(render(lines)); err != nil {
		return fmt.Errorf("file store: writing %s: %w", lock, err)
	}
	// The final mode before the sync, so that the sync makes it durable.
	if err := finishLock(fh); err != nil {
		return fmt.Errorf("file store: setting the mode of %s: %w", lock, err)
	}
	if err := fh.Sync(); err != nil {
		return fmt.Errorf("file store: syncing %s: %w", lock, err)
	}
	if err := os.Rename(lock, path); err != nil {
		return fmt.Errorf("file store: replacing %s: %w", path, err)
	}
	committed = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; failure here loses nothing
		d.Close()
	}
	return nil
}

// maxLockWait bounds the whole wait for the lock, however busy the file
// is or however long a live writer of ours holds it. A variable for tests.
var maxLockWait = 2 * time.Minute

// lockState is what probeLock learnt about the lock's holder.
type lockState int

const (
	lockGone    lockState = iota // released while we looked: try again now
	lockStale                    // a crashed writer of ours; probeLock removed it
	lockLive                     // a writer of ours that is alive (maybe stopped or descheduled)
	lockForeign                  // git's credential-store, or a writer we cannot ask: judged by time
)

// acquire creates the lock file exclusively. Who holds it decides how long
// we wait (see probeLock; flock where the system has it):
//   - a live writer of ours, however long it takes (descheduled on a busy
//     machine, stopped), up to maxLockWait;
//   - a crashed writer of ours: its lock is stale at once and removed;
//   - git's credential-store, which takes no flock: LockTimeout (1 s, like
//     git) per holder. While the lock keeps changing hands (a new lock file
//     each time) writers are making progress and we keep waiting, up to
//     maxLockWait; a lock that stays with one holder fails with advice.
func (f *FileStore) acquire(lock string) (*os.File, error) {
	start := time.Now()
	deadline := start.Add(f.LockTimeout)
	backoff := time.Millisecond
	var holder os.FileInfo
	for {
		fh, err := createLock(lock)
		if err == nil {
			return fh, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("file store: creating lock %s: %w", lock, err)
		}
		state, info := probeLock(lock)
		now := time.Now()
		switch state {
		case lockGone, lockStale:
			continue // free now: take it
		case lockLive:
			if now.Sub(start) > maxLockWait {
				return nil, fmt.Errorf("file store: %s has been locked for over %v by another git-credential-pat that is still running (stopped or stuck?); see which with: fuser -v %s", strings.TrimSuffix(lock, ".lock"), maxLockWait, lock)
			}
		case lockForeign:
			if info != nil && (holder == nil || !os.SameFile(holder, info)) {
				holder, deadline = info, now.Add(f.LockTimeout)
			}
			if now.After(deadline) {
				return nil, fmt.Errorf("file store: %s is still locked after %v by the same writer; if no git or git-credential-pat is writing it, a crashed writer left the lock: remove %s", strings.TrimSuffix(lock, ".lock"), f.LockTimeout, lock)
			}
			if now.Sub(start) > maxLockWait {
				return nil, fmt.Errorf("file store: gave up waiting for %s after %v: too many writers at once", lock, maxLockWait)
			}
		}
		// Back off (with jitter) so a crowd of waiters does not starve the
		// holder of CPU, but poll often enough to notice a stale lock.
		time.Sleep(backoff/2 + rand.N(backoff))
		backoff = min(2*backoff, max(f.LockTimeout/4, time.Millisecond), 250*time.Millisecond)
	}
}

// parse splits data into lines and joins each meta line to its entry,
// which gains the extras; render regenerates meta lines from entries. A
// meta line with authtype and no password entry is an entry of its own; one
// whose entry is gone (or holds another token) is dropped.
//
// With a host, only lines that can name it (see candidates) are parsed;
// the rest are dropped, or kept verbatim when keepOthers is set.
func parse(data, host string, keepOthers bool) []line {
	spans := candidates(data, host)
	partial := spans != nil
	var lines []line
	if spans == nil || keepOthers {
		lines = make([]line, 0, strings.Count(data, "\n")+1)
	}
	metas := map[string]*meta{}
	add := func(raw string) {
		l := parseLine(raw)
		if l.meta != nil {
			k := metaKey(l.meta.key, l.meta.pwHash)
			if _, dup := metas[k]; dup {
				return // the first meta line for an entry wins
			}
			metas[k] = l.meta
		}
		lines = append(lines, l)
	}
	for pos := 0; pos < len(data); {
		end := strings.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos
		}
		if spans == nil || len(spans) > 0 && spans[0] == pos {
			if spans != nil {
				spans = spans[1:]
			}
			add(data[pos:end])
		} else if keepOthers {
			lines = append(lines, line{raw: data[pos:end]})
		} else if len(spans) == 0 {
			break // nothing relevant is left
		} else {
			end = spans[0] - 1 // jump to the next relevant line
		}
		pos = end + 1
	}
	if len(metas) == 0 {
		return lines
	}
	for i, l := range lines {
		if l.entry == nil {
			continue
		}
		if m, ok := metas[metaKey(*l.entry, passwordHash(*l.entry))]; ok && !m.used {
			merged := merge(*l.entry, m)
			lines[i].entry = &merged
			m.used = true
		}
	}
	out := lines[:0]
	for _, l := range lines {
		if l.meta == nil {
			out = append(out, l)
			continue
		}
		switch m := l.meta; {
		case m.used:
		case m.pwHash == "" && m.extra.AuthType != "":
			c := merge(m.key, m)
			out = append(out, line{raw: l.raw, entry: &c})
		case partial && keepOthers && m.key.Host != host:
			// Another host's entry line need not have been parsed (it is
			// parsed only when it names host or holds a '%' or '*'), so
			// this line is not known to be an orphan: keep it as it is.
			out = append(out, line{raw: l.raw})
		}
	}
	return out
}

// candidates returns the start offsets, in order, of the lines that can
// hold an entry for host: those containing it (plain or percent-encoded),
// and any with a '%' escape or a '*' wildcard, which a substring search
// cannot judge. nil means every line (no host given).
func candidates(data, host string) []int {
	if host == "" {
		return nil
	}
	needles := []string{host, "%", "*"}
	if esc := credential.EscapeHostPath(host); esc != host {
		needles = append(needles, esc)
	}
	seen := map[int]bool{}
	starts := []int{}
	for _, n := range needles {
		for from := 0; ; {
			i := strings.Index(data[from:], n)
			if i < 0 {
				break
			}
			i += from
			start := strings.LastIndexByte(data[:i], '\n') + 1
			if !seen[start] {
				seen[start] = true
				starts = append(starts, start)
			}
			next := strings.IndexByte(data[i:], '\n')
			if next < 0 {
				break
			}
			from = i + next + 1
		}
	}
	slices.Sort(starts)
	return starts
}

func metaKey(c credential.Credential, pwHash string) string {
	return keyURL(c) + "\x00" + pwHash
}

func parseLine(raw string) line {
	text := strings.TrimSuffix(raw, "\r")
	if rest, ok := strings.CutPrefix(text, metaPrefix); ok {
		if m, ok := parseMeta(rest); ok {
			return line{raw: raw, meta: m}
		}
		return line{raw: raw}
	}
	c, err := credential.ParseURL(strings.TrimSpace(text))
	// git's credential-store needs all of these to use a line; so do we.
	if err != nil || c.Protocol == "" || (c.Host == "" && c.Path == "") || !c.HasUsername || !c.HasPassword {
		return line{raw: raw}
	}
	return line{raw: raw, entry: &c}
}

func parseMeta(s string) (*meta, bool) {
	keyURL, attrs, _ := strings.Cut(s, " ")
	key, err := credential.ParseURL(keyURL)
	if err != nil || key.HasPassword {
		return nil, false
	}
	v, err := url.ParseQuery(attrs)
	if err != nil {
		return nil, false
	}
	m := &meta{key: key, pwHash: v.Get("pw")}
	m.extra.PasswordExpiryUTC, _ = strconv.ParseInt(v.Get("expiry"), 10, 64)
	m.extra.OAuthRefreshToken = v.Get("refresh")
	m.extra.AuthType = v.Get("authtype")
	m.extra.Credential = v.Get("credential")
	m.extra.SecretRef = v.Get("ref") == "1"
	return m, true
}

// passwordHash fingerprints a password so a meta line written for one
// token is not applied to another that git's credential-store put there.
func passwordHash(c credential.Credential) string {
	if !c.HasPassword {
		return ""
	}
	sum := sha256.Sum256([]byte(c.Password))
	return hex.EncodeToString(sum[:4])
}

// entriesOf returns the credentials of parsed lines, in file order.
func entriesOf(lines []line) credential.Entries {
	var out credential.Entries
	for _, l := range lines {
		if l.entry != nil {
			out = append(out, *l.entry)
		}
	}
	return out
}

func merge(c credential.Credential, m *meta) credential.Credential {
	c.PasswordExpiryUTC = m.extra.PasswordExpiryUTC
	c.OAuthRefreshToken = m.extra.OAuthRefreshToken
	c.AuthType, c.Credential = m.extra.AuthType, m.extra.Credential
	// The mark holds only on an entry with a password: the one whose
	// fingerprint the meta line carries.
	c.SecretRef = m.extra.SecretRef && m.pwHash != "" && c.HasPassword
	return c
}

// render writes lines back: entries in git's format preceded by their meta
// line when they need one, and unknown lines verbatim.
func render(lines []line) string {
	var b strings.Builder
	size := 0
	for _, l := range lines {
		size += len(l.raw) + 1
	}
	b.Grow(size + 512)
	for _, l := range lines {
		switch {
		case l.entry != nil:
			writeEntry(&b, *l.entry)
		default:
			b.WriteString(l.raw)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func writeEntry(b *strings.Builder, c credential.Credential) {
	v := url.Values{}
	if c.PasswordExpiryUTC != 0 {
		v.Set("expiry", strconv.FormatInt(c.PasswordExpiryUTC, 10))
	}
	if c.OAuthRefreshToken != "" {
		v.Set("refresh", c.OAuthRefreshToken)
	}
	if c.AuthType != "" {
		v.Set("authtype", c.AuthType)
		v.Set("credential", c.Credential)
	}
	if c.SecretRef && c.HasPassword {
		v.Set("ref", "1")
	}
	if len(v) > 0 {
		if h := passwordHash(c); h != "" {
			v.Set("pw", h)
		}
		b.WriteString(metaPrefix)
		b.WriteString(keyURL(c))
		b.WriteByte(' ')
		b.WriteString(v.Encode())
		b.WriteByte('\n')
	}
	if !c.HasPassword {
		return // an authtype-only entry lives on its meta line alone
	}
	b.WriteString(entryURL(c, true))
	b.WriteByte('\n')
}

// keyURL names an entry without its password.
func keyURL(c credential.Credential) string { return entryURL(c, false) }

// entryURL renders c the way git-credential-store writes it
// (proto://user:pass@host/path, percent-encoded), or without the password.
func entryURL(c credential.Credential, withPassword bool) string {
	var b strings.Builder
	b.WriteString(c.Protocol)
	b.WriteString("://")
	if c.HasUsername || withPassword {
		b.WriteString(credential.EscapeUserinfo(c.Username))
		if withPassword {
			b.WriteByte(':')
			b.WriteString(credential.EscapeUserinfo(c.Password))
		}
		b.WriteByte('@')
	}
	b.WriteString(credential.EscapeHostPath(c.Host))
	if c.Path != "" {
		b.WriteByte('/')
		b.WriteString(credential.EscapeHostPath(c.Path))
	}
	return b.String()
}
