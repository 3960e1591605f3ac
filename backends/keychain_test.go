package backends

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

func TestKeychainSecretRoundTrip(t *testing.T) {
	pw := func(c credential.Credential, p string) credential.Credential { c.SetPassword(p); return c }
	base := credential.Credential{Protocol: "https", Host: "example.com", Username: "u", HasUsername: true}
	for _, tc := range []struct {
		name   string
		c      credential.Credential
		secret string
	}{
		{"plain password stays plain", pw(base, "hunter2"), "hunter2"},
		{"empty password", pw(base, ""), ""},
		{"extras as libsecret lines", func() credential.Credential {
			c := pw(base, "p=w")
			c.PasswordExpiryUTC, c.OAuthRefreshToken = 1700000000, "r=t"
			return c
		}(), "p=w\npassword_expiry_utc=1700000000\noauth_refresh_token=r=t"},
		{"authtype without password", func() credential.Credential {
			c := base
			c.AuthType, c.Credential = "Bearer", "tok"
			return c
		}(), "\nauthtype=Bearer\ncredential=tok\npassword_absent=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := encodeSecret(tc.c)
			if err != nil || got != tc.secret {
				t.Fatalf("encode = %q, %v; want %q", got, err, tc.secret)
			}
			back := credential.Credential{Protocol: "https", Host: "example.com", Username: "u", HasUsername: true}
			decodeSecret(&back, got)
			if !credential.SamePersistent(back, tc.c) {
				t.Fatalf("decode = %+v; want %+v", back, tc.c)
			}
		})
	}
}

func TestKeychainSecretRefusesNewline(t *testing.T) {
	c := credential.Credential{Protocol: "https", Host: "h"}
	c.SetPassword("pw\noauth_refresh_token=injected")
	if _, err := encodeSecret(c); err == nil {
		t.Fatal("a newline in the password was accepted")
	}
}

func TestKeychainOversizeRefused(t *testing.T) {
	c := credential.Credential{Protocol: "https", Host: "example.com"}
	c.SetUsername("u")
	c.SetPassword(strings.Repeat("x", maxSecretBytes+1))
	s := &KeychainStore{Timeout: time.Second}
	err := s.Store(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(maxSecretBytes)) {
		t.Fatalf("Store(oversize) = %v; want an error naming the %d-byte limit", err, maxSecretBytes)
	}
	c.SetPassword(strings.Repeat("x", maxSecretBytes))
	if _, err := encodeSecret(c); err != nil {
		t.Fatalf("a secret of exactly the limit was refused: %v", err)
	}
}

func TestKeychainService(t *testing.T) {
	c := credential.Credential{Protocol: "https", Host: "github.com"}
	if got := keychainService(c); got != "git:https://github.com" {
		t.Errorf("host-wide: %q", got)
	}
	c.Path = "org/repo.git"
	if got := keychainService(c); got != "git:https://github.com/org/repo.git" {
		t.Errorf("path-scoped: %q", got)
	}
}

func TestKeychainRunDeadline(t *testing.T) {
	k := &KeychainStore{Timeout: 50 * time.Millisecond}
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	err := k.run(context.Background(), "get", func(context.Context) error {
		<-release // an API call that ignores cancellation
		return nil
	})
	if time.Since(start) > 2*time.Second {
		t.Fatalf("run waited %v", time.Since(start))
	}
	if !errors.Is(err, ErrKeychainUnavailable) || !strings.Contains(err.Error(), "--store file") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v; want a one-line unavailable error with advice", err)
	}
}
