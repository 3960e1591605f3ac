package backends

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// KeychainStore keeps credentials in the operating system's keychain: the
// Secret Service (gnome-keyring, KeePassXC, ...) on Linux, the login
// Keychain on macOS, Credential Manager on Windows. Each credential is one
// item, named "git:<protocol>://<host>[/<path>]" with the username as its
// account, so a person can find it in the keychain's own tools.
//
// The item's secret is the password, then one "key=value" line per extra
// attribute (password_expiry_utc, oauth_refresh_token, authtype,
// credential, and password_absent=1 for an authtype-only credential). A
// plain password therefore stays plain. git's own git-credential-libsecret
// writes the same format for its two extras (expiry, refresh token), so we
// read the items it stored. The reverse holds only for helpers that search
// by attributes alone (secret-tool does): git 2.39's libsecret helper
// searches its own schema and does not see our items (measured in bench/).
//
// Every keychain call runs under Timeout: a locked, frozen or missing
// keyring becomes an error that says what to do, never a hang.
type KeychainStore struct {
	Timeout time.Duration // per operation; 0 means DefaultKeychainTimeout
}

// DefaultKeychainTimeout bounds one keychain operation.
const DefaultKeychainTimeout = 5 * time.Second

// ErrKeychainUnavailable is wrapped by errors that mean the keychain cannot
// be used right now (no session bus, no Secret Service, locked, no answer
// in time), as opposed to a failure of one operation.
var ErrKeychainUnavailable = errors.New("keychain unavailable")

// useOtherStore ends every unavailability message: the fix that always works.
const useOtherStore = "or use --store cache / --store file"

func init() {
	Register(Descriptor{Name: "keychain", Help: "OS keychain: Secret Service, macOS Keychain, Windows Credential Manager",
		Open: openKeychain, Cacheable: true,
		Flags: func(o *Options) []Flag {
			return []Flag{{"keychain-timeout", "deadline for each keychain call (default 5s)", DurationValue(&o.KeychainTimeout)}}
		}})
}

func openKeychain(o Options) (credential.Store, error) {
	if err := keychainSupported(); err != nil {
		return nil, err
	}
	return &KeychainStore{Timeout: o.KeychainTimeout}, nil
}

// unavailableError is a one-line message for the user that also matches
// ErrKeychainUnavailable and the underlying cause with errors.Is.
type unavailableError struct {
	msg   string
	cause error
}

func (e *unavailableError) Error() string { return e.msg }

func (e *unavailableError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrKeychainUnavailable}
	}
	return []error{ErrKeychainUnavailable, e.cause}
}

// The message names no operation: git already knows which one it ran, and
// Serve adds it for store and erase.
func unavailable(cause error, format string, args ...any) error {
	return &unavailableError{msg: "keychain: " + fmt.Sprintf(format, args...) + ", " + useOtherStore, cause: cause}
}

// run calls f in a goroutine and gives up when the deadline passes: some
// keychain APIs cannot be interrupted, and git must not hang on a stuck
// keyring. f gets the deadline's context so it can clean up after itself.
func (k *KeychainStore) run(ctx context.Context, op string, f func(context.Context) error) error {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultKeychainTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1) // buffered: a late f must not block forever
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		// An error caused by the deadline (the connection closing under f)
		// is reported as the deadline.
		if err == nil || ctx.Err() == nil {
			return err
		}
	case <-ctx.Done():
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return unavailable(ctx.Err(), "no answer from the keyring within %v; %s", timeout, stuckAdvice)
	}
	return fmt.Errorf("keychain: %s: %w", op, ctx.Err())
}

// keychainService names the item for c: "git:https://github.com", plus
// "/path" for a path-scoped credential.
func keychainService(c credential.Credential) string {
	s := "git:" + c.Protocol + "://" + c.Host
	if c.Path != "" {
		s += "/" + c.Path
	}
	return s
}

// Extra lines in a secret. The first two are git-credential-libsecret's.
const (
	lineExpiry   = "password_expiry_utc="
	lineRefresh  = "oauth_refresh_token="
	lineAuthType = "authtype="
	lineCred     = "credential="
	lineNoPass   = "password_absent=1"
)

// encodeSecret renders c's secret parts in the format described on
// KeychainStore, refusing values that would break its line structure and
// secrets over the platform's size limit.
func encodeSecret(c credential.Credential) (string, error) {
	for name, v := range map[string]string{"password": c.Password, "oauth_refresh_token": c.OAuthRefreshToken, "authtype": c.AuthType, "credential": c.Credential} {
		if strings.ContainsAny(v, "\n\x00") {
			return "", fmt.Errorf("keychain: %s contains a newline or NUL", name)
		}
	}
	var b strings.Builder
	b.WriteString(c.Password)
	add := func(line string) {
		b.WriteByte('\n')
		b.WriteString(line)
	}
	if c.PasswordExpiryUTC != 0 {
		add(lineExpiry + strconv.FormatInt(c.PasswordExpiryUTC, 10))
	}
	if c.OAuthRefreshToken != "" {
		add(lineRefresh + c.OAuthRefreshToken)
	}
	if c.AuthType != "" {
		add(lineAuthType + c.AuthType)
	}
	if c.Credential != "" {
		add(lineCred + c.Credential)
	}
	if !c.HasPassword && c.Password == "" {
		add(lineNoPass)
	}
	if b.Len() > maxSecretBytes {
		return "", fmt.Errorf("keychain: secret for %s is %d bytes, over the %s limit of %d bytes (password plus extras such as oauth_refresh_token); use --store file",
			keychainService(c), b.Len(), secretLimitName, maxSecretBytes)
	}
	return b.String(), nil
}

// decodeSecret fills c's secret parts from s. Unknown lines are ignored, as
// git-credential-libsecret ignores them, so newer writers stay readable.
func decodeSecret(c *credential.Credential, s string) {
	password, rest, _ := strings.Cut(s, "\n")
	c.SetPassword(password)
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		switch {
		case strings.HasPrefix(line, lineExpiry):
			// Like git: an unparsable expiry means "never expires".
			if v, err := strconv.ParseInt(line[len(lineExpiry):], 10, 64); err == nil && v > 0 {
				c.PasswordExpiryUTC = v
			}
		case strings.HasPrefix(line, lineRefresh):
			c.OAuthRefreshToken = line[len(lineRefresh):]
		case strings.HasPrefix(line, lineAuthType):
			c.AuthType = line[len(lineAuthType):]
		case strings.HasPrefix(line, lineCred):
			c.Credential = line[len(lineCred):]
		case line == lineNoPass && password == "":
			c.Password, c.HasPassword = "", false
		}
	}
}
