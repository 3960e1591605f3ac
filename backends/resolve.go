package backends

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// DefaultResolverTimeout bounds one run of a secret-reference resolver.
const DefaultResolverTimeout = 10 * time.Second

// RefPrefix marks a password that is a reference for the configured
// resolver: "ref:github/token" runs "<Resolver> github/token".
const RefPrefix = "ref:"

// Limits on what a resolver may print: a token is short, and only the first
// line of an error message is shown.
const (
	maxResolverOutput = 64 << 10
	maxResolverStderr = 4 << 10
	maxErrorLine      = 200
)

// Resolving wraps inner so that a stored password which is a secret
// reference the user marked as one (credential.Credential.SecretRef, set
// only by login --ref) is replaced, on Get, by the secret a resolver prints:
//
//   - "op://vault/item/field" runs "op read op://vault/item/field"
//     (the 1Password CLI);
//   - "scheme://..." for a scheme listed in o.ResolverSchemes, and
//     "ref:REST", run o.Resolver (for example "pass show") with the whole
//     reference, or REST for "ref:", appended as one argument.
//
// A password without the mark is returned as it is, whatever it looks like:
// git's store action hands us whatever password a server accepted, even one
// taken from a URL (https://x:op%3A%2F%2F...@evil.example/), and resolving
// that would send the user's secret to that server. A marked password that
// no resolver can read is an error, never sent as it is.
//
// The resolver runs without a shell, with no stdin, under
// o.ResolverTimeout, and without the env store's token variables in its
// environment. A Get whose password is not a marked reference runs nothing.
//
// Store and Erase go to inner, with two rules. Store of a marked reference
// is refused unless it has a shape this resolver can run (see
// checkReference). Store of anything unmarked does not replace a marked
// reference, because git stores (approve) the resolved token after every
// success, which would write the secret into inner and lose the reference.
// (credential.Server already skips the store when the token equals what Get
// resolves; this covers a resolver that fails or a token typed at a prompt.
// It costs one inner Get per unmarked Store.) To replace a reference with a
// plain token, erase it first (logout). Erase with the resolved token leaves
// the reference alone (its password differs): a rejected token must be
// fixed in the secret manager.
//
// The result implements credential.Lister when inner does; List shows the
// references, never resolves them.
func Resolving(inner credential.Store, o Options) credential.Store {
	if _, ok := inner.(*resolving); ok {
		return inner
	}
	if _, ok := inner.(listingResolving); ok {
		return inner
	}
	r := &resolving{inner: inner, res: newResolver(o)}
	if l, ok := inner.(credential.Lister); ok {
		return listingResolving{r, l}
	}
	return r
}

type resolving struct {
	inner credential.Store
	res   resolver
}

type listingResolving struct {
	*resolving
	credential.Lister
}

// Unwrap returns the wrapped store (see As).
func (r *resolving) Unwrap() credential.Store { return r.inner }

func (r *resolving) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	c, err := r.inner.Get(ctx, q)
	if err != nil || !c.SecretRef || credential.IsPeeking(ctx) {
		// Unmarked passwords are opaque; a comparison needs no resolving
		// (op may ask for a fingerprint).
		return c, err
	}
	ref, ok := r.res.parse(c.Password)
	if !ok {
		return credential.Credential{}, fmt.Errorf("the secret reference stored for %s has a scheme this helper was not told to resolve; give git's helper the --resolver and --resolver-schemes it was stored with, or replace it: git-credential-pat logout --host %s", c.URL(), c.Host)
	}
	secret, err := r.res.resolve(ctx, ref)
	if err != nil {
		return credential.Credential{}, err
	}
	c.Password, c.SecretRef = secret, false
	return c, nil
}

func (r *resolving) Store(ctx context.Context, c credential.Credential) error {
	if c.SecretRef {
		if err := r.res.checkReference(c.Password); err != nil {
			return err
		}
		return r.inner.Store(ctx, c)
	}
	if r.holdsReference(ctx, c) {
		return nil
	}
	return r.inner.Store(ctx, c)
}

func (r *resolving) Erase(ctx context.Context, q credential.Credential) error {
	return r.inner.Erase(ctx, q)
}

// holdsReference reports whether the entry that answers c is a marked
// secret reference standing for c: the one with c's key, or an owner or
// host-wide reference that resolves to c's password (git before 2.46 stores
// back what get returned for each repository below it; a plain copy would
// leak the secret to disk and outlive the reference). The lookup only
// compares, so it peeks: a store that would ask someone for the secret
// (the agent) is not asked.
func (r *resolving) holdsReference(ctx context.Context, c credential.Credential) bool {
	have, err := r.inner.Get(credential.Peeking(ctx), c)
	if err != nil || !have.SecretRef {
		return false
	}
	if credential.SameKey(have, c) {
		return true
	}
	ref, ok := r.res.parse(have.Password)
	if !ok {
		return false
	}
	secret, err := r.res.resolve(ctx, ref)
	return err == nil && secret == c.Password
}

// resolver turns a reference into a secret by running a command.
type resolver struct {
	command []string // for ref: and ResolverSchemes; nil if none configured
	schemes []string // "vault://", ... sent to command
	timeout time.Duration
}

func newResolver(o Options) resolver {
	r := resolver{command: strings.Fields(o.Resolver), timeout: o.ResolverTimeout}
	if r.timeout <= 0 {
		r.timeout = DefaultResolverTimeout
	}
	for _, s := range o.ResolverSchemes {
		s = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "://"))
		if s != "" {
			r.schemes = append(r.schemes, s+"://")
		}
	}
	return r
}

// reference is a parsed secret reference.
type reference struct {
	text string   // as stored, for messages
	argv []string // the full command line to run
}

// LooksLikeReference reports whether password has the shape of a secret
// reference: "ref:NAME", or "SCHEME://..." with a URL scheme (op://,
// vault://, ...), and no control characters. Every reference a resolver
// runs has this shape, but a password is resolved only when it is also
// marked as one (login --ref); doctor uses this to find entries that look
// like references and carry no mark.
func LooksLikeReference(password string) bool {
	if strings.ContainsFunc(password, unicode.IsControl) {
		return false
	}
	if strings.HasPrefix(password, RefPrefix) {
		return true
	}
	scheme, _, ok := strings.Cut(password, "://")
	if !ok || scheme == "" {
		return false
	}
	for i, ch := range scheme {
		letter := 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z'
		if !letter && (i == 0 || !('0' <= ch && ch <= '9' || ch == '+' || ch == '-' || ch == '.')) {
			return false
		}
	}
	return true
}

// checkReference reports why password cannot be stored as a marked
// reference for this resolver: a shape it cannot run, a ref: without
// --resolver, an empty name or one that looks like an option. The error
// does not repeat password: it may be a token typed in the wrong place.
func (r resolver) checkReference(password string) error {
	ref, ok := r.parse(password)
	if !ok {
		return errors.New("not a secret reference: want op://VAULT/ITEM/FIELD (1Password), ref:NAME (with --resolver, for example --resolver 'pass show'), or SCHEME://... (with --resolver-schemes SCHEME and --resolver); a token itself is stored with login without --ref, from a prompt or a pipe")
	}
	return ref.check()
}

// check refuses a reference that cannot be run: no resolver configured,
// or a name that is empty or would be read as an option.
func (ref reference) check() error {
	arg := ref.argv[len(ref.argv)-1]
	switch {
	case len(ref.argv) == 1:
		return fmt.Errorf("secret reference %q: no resolver configured for it; pass --resolver with the command that prints a secret (for example --resolver 'pass show'), or store the token itself", ref.text)
	case arg == "" || strings.HasPrefix(arg, "-"):
		return fmt.Errorf("secret reference %q: the reference after the prefix is empty or starts with '-'; store it as the path the resolver expects", ref.text)
	}
	return nil
}

// parse reports whether password is a reference and, if so, how to run it.
func (r resolver) parse(password string) (reference, bool) {
	if !LooksLikeReference(password) {
		return reference{}, false
	}
	lower := strings.ToLower(password)
	for _, s := range r.schemes {
		if strings.HasPrefix(lower, s) {
			return reference{password, append(slices.Clip(r.command), password)}, true
		}
	}
	switch {
	case strings.HasPrefix(lower, "op://"):
		return reference{password, []string{"op", "read", password}}, true
	case strings.HasPrefix(password, RefPrefix):
		return reference{password, append(slices.Clip(r.command), strings.TrimPrefix(password, RefPrefix))}, true
	}
	return reference{}, false
}

// resolve runs ref's command and returns what it printed, less one
// trailing newline.
func (r resolver) resolve(ctx context.Context, ref reference) (string, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("secret reference %q: %s", ref.text, fmt.Sprintf(format, args...))
	}
	if err := ref.check(); err != nil {
		return "", err
	}
	name := ref.argv[0]

	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, ref.argv[1:]...)
	cmd.Env = resolverEnv(os.Environ())
	cmd.Stdin = nil // the resolver must not read git's request
	stdout := &cappedBuffer{max: maxResolverOutput}
	stderr := &cappedBuffer{max: maxResolverStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A resolver that leaves a child holding its output open must not hold
	// us past the deadline.
	cmd.WaitDelay = time.Second
	err := cmd.Run()

	cmdline := strings.Join(ref.argv[:len(ref.argv)-1], " ")
	switch {
	case errors.Is(err, exec.ErrNotFound):
		if name == "op" && len(ref.argv) == 3 {
			return "", fail("the 1Password CLI (op) is not installed or not on PATH; install it (https://developer.1password.com/docs/cli/get-started/) and sign in, or store the token itself")
		}
		return "", fail("resolver %q is not installed or not on PATH; install it or change --resolver", name)
	case ctx.Err() == context.DeadlineExceeded:
		return "", fail("%s did not answer within %v (is it waiting for a sign-in or an unlock? run it yourself once, or raise --resolver-timeout)", cmdline, r.timeout)
	case err != nil:
		return "", fail("%s failed (%v): %s", cmdline, err, firstLine(stderr.String()))
	case stdout.overflow:
		return "", fail("%s printed more than %d bytes; expected just the secret", cmdline, maxResolverOutput)
	}
	secret := strings.TrimSuffix(stdout.String(), "\n")
	secret = strings.TrimSuffix(secret, "\r")
	switch {
	case secret == "":
		return "", fail("%s printed nothing; check that the reference names a field that holds the token", cmdline)
	case strings.ContainsAny(secret, "\r\n\x00"):
		return "", fail("%s printed more than one line; expected just the secret (point the reference at a single field)", cmdline)
	}
	return secret, nil
}

// resolverEnv is env without the variables that hold an env-store token.
func resolverEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(envTokenVars, k) {
			out = append(out, kv)
		}
	}
	return out
}

// firstLine returns the first non-blank line of s, without control
// characters and cut to maxErrorLine bytes, for an error message.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, l))
		if l == "" {
			continue
		}
		if len(l) > maxErrorLine {
			l = strings.ToValidUTF8(l[:maxErrorLine], "") + "..."
		}
		return l
	}
	return "no message on stderr"
}

// cappedBuffer keeps the first max bytes written to it and drops the rest,
// so a runaway resolver cannot fill memory (and is not killed by a broken
// pipe before it exits).
type cappedBuffer struct {
	b        []byte
	max      int
	overflow bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	room := c.max - len(c.b)
	if len(p) > room {
		c.overflow = true
		p = p[:max(room, 0)]
	}
	c.b = append(c.b, p...)
	return n, nil
}

func (c *cappedBuffer) String() string { return string(c.b) }
