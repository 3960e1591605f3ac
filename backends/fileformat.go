package backends

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/internal/fingerprint"
)

// metaPrefix starts the lines that carry what git's format cannot hold.
const metaPrefix = "#pat "

// line is one line of the file: a parsed entry, a meta line, or text we
// do not understand and must keep as it is.
type line struct {
	raw   string
	entry *credential.Credential // a git-format credential line
	meta  *meta                  // a "#pat " line
	// metaRaw is the "#pat " line joined to this entry while parsing.
	// An entry read from the file and left alone is written back as it
	// was, both lines byte for byte: what this version does not know in
	// them (an attribute of a newer one, a value it cannot read) is kept.
	metaRaw string
}

type meta struct {
	raw    string                // the line as read
	key    credential.Credential // identity only
	pwHash string                // fingerprint of the password it belongs to
	extra  credential.Credential // expiry, refresh token, authtype, credential
	used   bool                  // joined to an entry while parsing
}

// scanCandidates copies to out the lines of r that can name host, in
// order, reading through a reused buffer.
func scanCandidates(r io.Reader, host string, bufSize int, out *strings.Builder) error {
	return scanSpans(r, host, bufSize, out, nil)
}

// span is where a line lies in a file: its offset and length, its newline
// included when it has one.
type span struct{ off, n int64 }

// scanSpans is scanCandidates that also appends each line's span in r to
// spans (when not nil).
func scanSpans(r io.Reader, host string, bufSize int, out *strings.Builder, spans *[]span) error {
	buf := make([]byte, max(bufSize, 512))
	needles := hostFinders(host)
	have := 0
	var base int64 // offset in r of buf[0]
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
			for _, start := range needles.candidates(chunk) {
				line := chunk[start:]
				n := len(line)
				if i := strings.IndexByte(line, '\n'); i >= 0 {
					line, n = line[:i], i+1
				}
				out.WriteString(line)
				out.WriteByte('\n')
				if spans != nil {
					*spans = append(*spans, span{base + int64(start), int64(n)})
				}
			}
			base += int64(end)
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
			lines[i].metaRaw = m.raw
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
	return hostFinders(host).candidates(data)
}

// finders are the searches candidates makes for one host: one pass of
// blockSearch where the processor has blockScan, else one search per
// needle.
type finders struct {
	blocks *blockSearch
	each   []*finder
}

func hostFinders(host string) finders {
	if blockScanFast && len(host) <= maxBlockHost {
		// A line with the host escaped holds a '%', which blockSearch finds.
		return finders{blocks: newBlockSearch(host)}
	}
	return eachFinders(host)
}

// eachFinders searches for the host, '%', '*' and the host escaped, one
// after the other.
func eachFinders(host string) finders {
	each := []*finder{newFinder(host), newFinder("%"), newFinder("*")}
	if esc := credential.EscapeHostPath(host); esc != host {
		each = append(each, newFinder(esc))
	}
	return finders{each: each}
}

func (needles finders) candidates(data string) []int {
	if needles.blocks != nil {
		return needles.blocks.lineStarts(data, nil)
	}
	seen := map[int]bool{}
	starts := []int{}
	var at []int
	for _, n := range needles.each {
		at = n.all(data, at[:0])
		end := -1 // of the line last found: each needle's finds come in order
		for _, i := range at {
			if i < end {
				continue // a line with a thousand '%' is looked up once, not a thousand times
			}
			start := strings.LastIndexByte(data[:i], '\n') + 1
			if end = strings.IndexByte(data[i:], '\n'); end < 0 {
				end = len(data)
			} else {
				end += i
			}
			if !seen[start] {
				seen[start] = true
				starts = append(starts, start)
			}
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
			m.raw = raw
			return line{raw: raw, meta: m}
		}
		return line{raw: raw}
	}
	text = strings.TrimSpace(text)
	// Indented, it is still ours: as an entry it would be written back
	// unindented, as a meta line, and lost (render).
	if strings.HasPrefix(text, metaPrefix) {
		return line{raw: raw}
	}
	c, err := credential.ParseURL(text)
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
	v, ok := parseAttrs(attrs)
	if !ok {
		return nil, false
	}
	m := &meta{key: key, pwHash: v["pw"]}
	m.extra.PasswordExpiryUTC, _ = strconv.ParseInt(v["expiry"], 10, 64)
	m.extra.OAuthRefreshToken = v["refresh"]
	m.extra.AuthType = v["authtype"]
	m.extra.Credential = v["credential"]
	m.extra.SecretRef = v["ref"] == "1"
	return m, true
}

// passwordHash fingerprints a password so a meta line written for one
// token is not applied to another that git's credential-store put there.
func passwordHash(c credential.Credential) string {
	if !c.HasPassword {
		return ""
	}
	return fingerprint.Hex([]byte(c.Password), 4)
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
		case l.entry != nil && l.raw == "": // new, or changed
			writeEntry(&b, *l.entry)
		default: // as read (see line.metaRaw)
			if l.metaRaw != "" {
				b.WriteString(l.metaRaw)
				b.WriteByte('\n')
			}
			b.WriteString(l.raw)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func writeEntry(b *strings.Builder, c credential.Credential) {
	v := attrs{}
	if c.PasswordExpiryUTC != 0 {
		v.set("expiry", strconv.FormatInt(c.PasswordExpiryUTC, 10))
	}
	if c.OAuthRefreshToken != "" {
		v.set("refresh", c.OAuthRefreshToken)
	}
	if c.AuthType != "" {
		v.set("authtype", c.AuthType)
		v.set("credential", c.Credential)
	}
	if c.SecretRef && c.HasPassword {
		v.set("ref", "1")
	}
	if len(v) > 0 {
		if h := passwordHash(c); h != "" {
			v.set("pw", h)
		}
		b.WriteString(metaPrefix)
		b.WriteString(keyURL(c))
		b.WriteByte(' ')
		b.WriteString(v.encode())
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
