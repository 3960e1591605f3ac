package backends

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/nopoll"
	"github.com/git-credential-pat/git-credential-pat/internal/shquote"
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

// FilePath is the credentials file the store list name (opened with o)
// keeps tokens in: o.File, or the default, when the list names the file
// store; "" when it does not.
func FilePath(name string, o Options) string {
	if !ListHas(name, "file") {
		return ""
	}
	if o.File != "" {
		return o.File
	}
	p, _ := DefaultFilePath()
	return p
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

// Get returns the first eligible entry; new entries are written first, so
// that is the most recent one.
func (f *FileStore) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	path, err := f.target()
	if err != nil {
		return credential.Credential{}, err
	}
	data, err := f.look(ctx, path, q.Host)
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
func (f *FileStore) Store(ctx context.Context, c credential.Credential) error {
	// The file's format writes the protocol unescaped: only a URL scheme
	// reads back as the entry it was (see credential.CheckProtocol).
	if err := credential.CheckProtocol(c.Protocol); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	// git's store compares with what the file holds first (credential.Server
	// peeks), so a FIFO has been read once already: read again, it would
	// wait for a writer forever. Only a regular file is rewritten.
	return f.update(ctx, c.Host, storeChange(c), true)
}

// storeChange puts c first, in place of every entry with the same key. A
// file whose entries of that key are all c already needs no change; one
// that also holds another for that key (two lines written by hand, say)
// does, since git's get may answer with the other.
func storeChange(c credential.Credential) func([]line) ([]line, bool) {
	return func(lines []line) ([]line, bool) {
		held, other := false, false
		for _, l := range lines {
			if l.entry != nil && credential.SameKey(*l.entry, c) {
				if credential.SamePersistent(*l.entry, c) {
					held = true
				} else {
					other = true
				}
			}
		}
		if held && !other {
			return lines, false
		}
		out := []line{{entry: &c}}
		for _, l := range lines {
			if l.entry == nil || !credential.SameKey(*l.entry, c) {
				out = append(out, l)
			}
		}
		return out, true
	}
}

// Erase removes every entry matching q (password included when q has one).
func (f *FileStore) Erase(ctx context.Context, q credential.Credential) error {
	// An erase reads the file once, inside the lock: a FIFO is read as a
	// stream, as a get reads it, and replaced by the rewritten file.
	return f.update(ctx, q.Host, eraseChange(q), false)
}

// eraseChange removes every entry q may erase.
func eraseChange(q credential.Credential) func([]line) ([]line, bool) {
	return func(lines []line) ([]line, bool) {
		out := lines[:0:0]
		for _, l := range lines {
			if l.entry == nil || !credential.Erasable(q, *l.entry) {
				out = append(out, l)
			}
		}
		return out, len(out) != len(lines)
	}
}

// List returns every entry in file order.
func (f *FileStore) List(ctx context.Context) ([]credential.Credential, error) {
	data, err := f.read(ctx)
	if err != nil {
		return nil, err
	}
	return entriesOf(parse(data, "", false)), nil
}

// modeWarned holds the files this process has said are readable by other
// users, until it finds one private again. The mode is the file's, not a
// read's: one command reads the file many times (login looks, then
// writes; doctor and list read it through a store per helper line), and
// one warning says it. A long-lived process (the agent) says it again only
// when the file becomes readable again after being private.
var modeWarned sync.Map // path -> struct{}

// ModeReported tells this process's file stores that the caller has
// reported the credentials file at path as readable by other users, so
// they do not warn about it too (doctor's own check). It is kept under
// the path a store on path reads (FileStore.target: a link to the file is
// followed, the directories on the way are left as they are), which is
// what warnMode is given.
func ModeReported(path string) {
	if p, err := (&FileStore{Path: path}).target(); err == nil {
		path = p
	}
	modeWarned.Store(path, struct{}{})
}

// OpenToOthers reports whether a file or directory of mode m lets users
// other than its owner in. Not on Windows, where a mode says nothing of
// who may read (ACLs do; Go reports 0666 for every writable file).
func OpenToOthers(m fs.FileMode) bool {
	return runtime.GOOS != "windows" && m.Perm()&0o077 != 0
}

// warnMode warns when the file st describes is readable by other users,
// once while it stays so (see modeWarned).
func (f *FileStore) warnMode(path string, st fs.FileInfo) {
	if !OpenToOthers(st.Mode()) {
		modeWarned.Delete(path)
		return
	}
	if _, warned := modeWarned.LoadOrStore(path, struct{}{}); warned {
		return
	}
	f.warn(fmt.Sprintf("%s is readable by other users (mode %04o); run: chmod 600 %s", credential.Printable(path), st.Mode().Perm(), credential.Printable(shquote.Quote(path))))
}

func (f *FileStore) warn(msg string) {
	if f.Warn != nil {
		f.Warn(msg)
		return
	}
	fmt.Fprintln(os.Stderr, "git-credential-pat: warning: "+msg)
}

// read returns the file's contents; a missing file is empty.
func (f *FileStore) read(ctx context.Context) (string, error) {
	path, err := f.target()
	if err != nil {
		return "", err
	}
	return f.readAt(ctx, path, "")
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
		return "", fmt.Errorf("file store: following the symlink %s: %w (a loop of links?); point it at your credentials file: ls -l %s", f.Path, err, f.Path)
	}
	if owner, ok := fileOwner(real); ok && owner != os.Geteuid() {
		return "", fmt.Errorf("file store: %s is a symlink to %s, which belongs to another user (uid %d); refusing to use it", f.Path, real, owner)
	}
	return real, nil
}

// readAt returns the file's contents, or with a host only the lines that
// can name it (see candidates), read in chunks so a large file is never
// held in memory whole. A missing file is empty.
func (f *FileStore) readAt(ctx context.Context, path, host string) (string, error) {
	r, err := f.readFile(ctx, path, host, false, false)
	return r.text, err
}

// fileRead is what readFile found. With keep, a regular file searched for
// a host stays open (fh, closed by Close) with its size and time then
// (info, taken at at) and where each line found starts (spans), so that a
// write under the lock can splice from this read (see FileStore.kept).
type fileRead struct {
	text  string
	fh    *os.File
	info  fs.FileInfo
	at    time.Time // just before info was taken
	spans []span
}

// Close closes the file a read kept open, once.
func (r *fileRead) Close() error {
	if r.fh == nil {
		return nil
	}
	err := r.fh.Close()
	r.fh = nil
	return err
}

// readFile reads path for readAt (and the search memo, with keep). With
// regularOnly (a store), a path that is not a regular file is an error,
// not read: see Store.
func (f *FileStore) readFile(ctx context.Context, path, host string, keep, regularOnly bool) (r fileRead, err error) {
	open := nopoll.Open
	if regularOnly {
		open = nopoll.OpenRegular
	}
	fh, err := open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileRead{}, nil
	}
	if errors.Is(err, fs.ErrPermission) {
		return fileRead{}, fmt.Errorf("file store: %w; the credentials file must be readable by you: chmod 600 %s", err, path)
	}
	if errors.Is(err, nopoll.ErrNotRegular) {
		return fileRead{}, fmt.Errorf("file store: %w; a store replaces the credentials file, so it must be a plain file: give --file a file's path (or drop --file for the default)", err)
	}
	if err != nil {
		return fileRead{}, fmt.Errorf("file store: %w", err)
	}
	defer func() {
		if r.fh == nil {
			fh.Close()
		}
	}()
	var b strings.Builder
	bufSize := scanBufSize
	size := int64(-1) // not a regular file: read it as a stream
	at := time.Now()
	st, err := fh.Stat()
	if err == nil && st.IsDir() {
		return fileRead{}, fmt.Errorf("file store: %s is a directory; --file takes the credentials file's path (such as %s)", path, filepath.Join(path, "credentials"))
	}
	if err == nil {
		if st.Mode().IsRegular() {
			size = st.Size()
			bufSize = int(min(st.Size()+1, int64(bufSize)))
		}
		f.warnMode(path, st)
		if host == "" {
			b.Grow(int(st.Size()) + 512) // read straight into the final string
		}
	}
	var spans *[]span
	if keep && host != "" && size > 0 {
		spans = &r.spans
	}
	if host != "" {
		if size >= 0 {
			err = scanFile(fh, size, host, bufSize, &b, spans)
		} else {
			err = scanSpans(fh, host, bufSize, &b, nil)
		}
	} else {
		_, err = io.Copy(&b, fh)
	}
	if err != nil {
		return fileRead{}, fmt.Errorf("file store: reading %s: %w", path, err)
	}
	r.text = b.String()
	if spans != nil {
		r.fh, r.info, r.at = fh, st, at
	}
	return r, nil
}

// update runs change on the parsed file under the lock and, if it reports a
// change, writes the result to the lock file and renames it into place, so
// a reader or a crash sees the old file or the new one, never a mix.
//
// Only lines that can name host are parsed; the others are written back
// exactly as they were (host "" parses everything).
func (f *FileStore) update(ctx context.Context, host string, change func([]line) ([]line, bool), regularOnly bool) error {
	path, err := f.target()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("file store: creating %s: %w%s", dir, err, CreateAdvice(err))
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
	written, err := f.updateSpliced(ctx, f.kept(ctx, path, host), path, fh, lock, host, change)
	f.release(ctx, path, host)
	if err != nil {
		return err
	}
	switch written {
	case splicedNoChange:
		return nil
	case splicedNotApplicable:
		r, err := f.readFile(ctx, path, "", false, regularOnly)
		data := r.text
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
	if d, err := nopoll.Open(dir); err == nil {
		d.Sync() // make the rename durable; failure here loses nothing
		d.Close()
	}
	return nil
}
