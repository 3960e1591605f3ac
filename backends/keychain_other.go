//go:build !linux && !darwin && !windows

package backends

import (
	"context"
	"fmt"
	"runtime"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

const (
	maxSecretBytes  = 64 << 10
	secretLimitName = "keychain store's"
	stuckAdvice     = "the keychain is not supported here"
)

func keychainSupported() error {
	return fmt.Errorf("keychain: not supported on %s; use --store cache / --store file", runtime.GOOS)
}

// The methods exist so the type builds everywhere; openKeychain refuses
// before any of them can be reached.

func (k *KeychainStore) Get(context.Context, credential.Credential) (credential.Credential, error) {
	return credential.Credential{}, keychainSupported()
}

func (k *KeychainStore) Store(context.Context, credential.Credential) error {
	return keychainSupported()
}

func (k *KeychainStore) Erase(context.Context, credential.Credential) error {
	return keychainSupported()
}
