package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// SecretPrefix starts every signing secret, as Standard Webhooks suggests,
// so a secret is recognisable in a receiver's configuration.
const SecretPrefix = "whsec_"

// secretBytes is the key length of secrets Argus makes.
const secretBytes = 32

// ErrInvalidSecret: a secret is not "whsec_" followed by base64 of 24 to 64
// bytes.
var ErrInvalidSecret = errors.New(`webhook secret must be "whsec_" followed by base64 of 24 to 64 bytes`)

// NewSecret returns a fresh signing secret: "whsec_" and the base64 of 32
// random bytes.
func NewSecret() (string, error) {
	key := make([]byte, secretBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("new webhook secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// secretKey returns the HMAC key of a secret: the base64-decoded part
// after the prefix. The bounds are Standard Webhooks' (24 to 64 bytes).
func secretKey(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, ErrInvalidSecret
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// RotateSecret gives a project a new signing secret and returns it, to be
// shown to the admin once. The secret it replaces keeps signing deliveries
// beside the new one for overlap (DefaultRotationWindow is the usual
// choice; 0 retires it at once). A project without a secret gets its first.
func RotateSecret(ctx context.Context, st *store.Store, tenant, project uuid.UUID, overlap time.Duration) (string, error) {
	secret, err := NewSecret()
	if err != nil {
		return "", err
	}
	if err := st.RotateWebhookSecret(ctx, tenant, project, secret, overlap); err != nil {
		return "", fmt.Errorf("rotate webhook secret: %w", err)
	}
	return secret, nil
}
