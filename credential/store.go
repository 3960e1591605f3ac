package credential

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrNotFound is returned by Store.Get when nothing matches. It is not a
// failure: git simply asks the next helper.
var ErrNotFound = errors.New("credential not found")

// Store is a place credentials live. Implementations hold only persistent
// attributes (see Credential.Persistent); Serve handles the per-request
// ones.
type Store interface {
	// Get returns the most recently stored entry that is Eligible for q,
	// or ErrNotFound.
	Get(ctx context.Context, q Credential) (Credential, error)
	// Store adds c, replacing the entry with the same key (SameKey).
	Store(ctx context.Context, c Credential) error
	// Erase removes every entry matching q, comparing the password too when
	// q has one (Match with matchPassword).
	Erase(ctx context.Context, q Credential) error
}

// Lister is implemented by stores that can enumerate their entries.
type Lister interface {
	List(ctx context.Context) ([]Credential, error)
}

// Capabilities this helper understands, in the order git lists them.
const (
	CapAuthType = "authtype"
	CapState    = "state"
)

// Eligible reports whether stored may answer a get for q at now: it must
// match (with per-owner path rules, see Covers), must not be expired, and
// must carry something the caller can use (authtype/credential only when
// the caller announced that capability).
func Eligible(q, stored Credential, now time.Time) bool {
	if !Covers(q, stored) || stored.Expired(now) {
		return false
	}
	if stored.hasUser() && stored.hasPass() {
		return true
	}
	return stored.AuthType != "" && stored.Credential != "" && q.HasCapability(CapAuthType)
}

// Server answers git's helper actions for one Store.
type Server struct {
	Store Store
	Now   func() time.Time // defaults to time.Now
}

// Serve runs one helper action against store with the default settings.
func Serve(ctx context.Context, action string, store Store, in io.Reader, out io.Writer) error {
	return (&Server{Store: store}).Serve(ctx, action, in, out)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Serve reads one credential from in and performs action. Unknown actions
// are ignored without reading input, as git's protocol asks. Malformed input
// is an error and changes nothing.
func (s *Server) Serve(ctx context.Context, action string, in io.Reader, out io.Writer) error {
	switch action {
	case "get", "store", "erase":
	default:
		return nil
	}
	q, err := Read(in)
	if err != nil {
		return err
	}
	switch action {
	case "get":
		return s.get(ctx, q, out)
	case "store":
		return s.store(ctx, q)
	default:
		return s.erase(ctx, q)
	}
}

func (s *Server) get(ctx context.Context, q Credential, out io.Writer) error {
	if q.Protocol == "" {
		return nil
	}
	found, err := s.Store.Get(ctx, q)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !Eligible(q, found, s.now()) {
		return nil
	}
	resp := Credential{
		Username: found.Username, HasUsername: found.hasUser(),
		Password: found.Password, HasPassword: found.hasPass(),
		PasswordExpiryUTC: found.PasswordExpiryUTC,
		OAuthRefreshToken: found.OAuthRefreshToken,
	}
	if q.HasCapability(CapAuthType) {
		resp.Capabilities = append(resp.Capabilities, CapAuthType)
		resp.AuthType, resp.Credential = found.AuthType, found.Credential
	}
	return Write(out, resp)
}

func (s *Server) store(ctx context.Context, q Credential) error {
	if q.Ephemeral {
		return nil // git's contract: an ephemeral credential is never persisted
	}
	if !q.HasCapability(CapAuthType) {
		q.AuthType, q.Credential = "", ""
	}
	if q.Protocol == "" || (q.Host == "" && q.Path == "") {
		return errors.New("store: protocol and host are required")
	}
	if !q.Usable() || q.Expired(s.now()) {
		return nil
	}
	if err := s.Store.Store(ctx, q.Persistent()); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func (s *Server) erase(ctx context.Context, q Credential) error {
	if q.Protocol == "" && q.Host == "" && q.Path == "" && !q.hasUser() {
		return nil // an empty query would match everything; git never sends one
	}
	if err := s.Store.Erase(ctx, q.Persistent()); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	return nil
}
