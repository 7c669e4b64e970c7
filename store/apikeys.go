package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/token"
)

// APIKey is a bearer credential for machines (CI). Only its SHA-256 hash
// is stored; Plaintext is set once, by CreateAPIKey.
type APIKey struct {
	ID            uuid.UUID
	TenantID      uuid.UUID
	Name          string
	DisplayPrefix string
	Role          Role
	CreatedBy     *uuid.UUID
	CreatedAt     time.Time
	ExpiresAt     *time.Time
	LastUsedAt    *time.Time
	RevokedAt     *time.Time

	// Plaintext is the key itself, returned once at creation and never
	// stored.
	Plaintext string
}

// NewAPIKey describes a key to create.
type NewAPIKey struct {
	Name      string
	Role      Role       // default member
	ExpiresAt *time.Time // nil: never expires
	CreatedBy *uuid.UUID
}

const apiKeyColumns = `id, tenant_id, name, display_prefix, role, created_by, created_at, expires_at, last_used_at, revoked_at`

func scanAPIKey(r pgx.Row) (APIKey, error) {
	var k APIKey
	err := r.Scan(&k.ID, &k.TenantID, &k.Name, &k.DisplayPrefix, &k.Role, &k.CreatedBy, &k.CreatedAt, &k.ExpiresAt, &k.LastUsedAt, &k.RevokedAt)
	return k, err
}

// CreateAPIKey makes a key for tenant and returns it with its plaintext,
// which is not stored and cannot be shown again.
func (s *Store) CreateAPIKey(ctx context.Context, tenant uuid.UUID, in NewAPIKey) (*APIKey, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, invalidf("create api key", "name", "name is required")
	}
	if in.Role == "" {
		in.Role = RoleMember
	}
	if !in.Role.Valid() {
		return nil, invalidf("create api key", "role", "role must be %q or %q, got %q", RoleAdmin, RoleMember, in.Role)
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		return nil, invalidf("create api key", "expires_at", "expiry must be in the future")
	}
	made, err := token.NewAPIKey()
	if err != nil {
		return nil, err
	}
	var k APIKey
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		k, err = scanAPIKey(tx.QueryRow(ctx, `
			INSERT INTO api_keys (id, tenant_id, name, key_hash, display_prefix, role, created_by, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			RETURNING `+apiKeyColumns,
			newID(), tenant, in.Name, made.Hash, made.DisplayPrefix, in.Role, in.CreatedBy, in.ExpiresAt))
		return err
	})
	if err != nil {
		return nil, wrap("create api key", err)
	}
	k.Plaintext = made.Plaintext
	return &k, nil
}

// LookupAPIKey finds the key a request presented, across tenants, by its
// hash. Unknown and malformed keys give ErrNotFound; expired keys
// ErrExpired; revoked keys ErrRevoked. It records when the key was last
// used, at most once per Config.APIKeyTouchInterval.
func (s *Store) LookupAPIKey(ctx context.Context, presented string) (*APIKey, error) {
	hash, err := token.ParseAPIKey(presented)
	if err != nil {
		return nil, fmt.Errorf("api key: %w", ErrNotFound)
	}
	var k APIKey
	err = s.inSystem(ctx, func(tx pgx.Tx) error {
		k, err = scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = $1`, hash))
		if err != nil {
			return err
		}
		if k.RevokedAt != nil || (k.ExpiresAt != nil && !k.ExpiresAt.After(time.Now())) {
			return nil
		}
		if k.LastUsedAt == nil || time.Since(*k.LastUsedAt) >= s.cfg.APIKeyTouchInterval {
			return tx.QueryRow(ctx, `UPDATE api_keys SET last_used_at = now() WHERE id = $1 RETURNING last_used_at`, k.ID).Scan(&k.LastUsedAt)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("api key", err)
	}
	switch {
	case k.RevokedAt != nil:
		return nil, &Error{Op: "api key", Kind: ErrRevoked, Detail: fmt.Sprintf("api key %s… was revoked on %s", k.DisplayPrefix, k.RevokedAt.Format(time.DateOnly))}
	case k.ExpiresAt != nil && !k.ExpiresAt.After(time.Now()):
		return nil, &Error{Op: "api key", Kind: ErrExpired, Detail: fmt.Sprintf("api key %s… expired on %s", k.DisplayPrefix, k.ExpiresAt.Format(time.DateOnly))}
	}
	return &k, nil
}

// ListAPIKeys lists tenant's keys, newest first, without plaintext.
func (s *Store) ListAPIKeys(ctx context.Context, tenant uuid.UUID) ([]APIKey, error) {
	return allInTenant(ctx, s, tenant, "list api keys", rowsOf(scanAPIKey), `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC`, tenant)
}

// GetAPIKey returns one of tenant's keys.
func (s *Store) GetAPIKey(ctx context.Context, tenant, id uuid.UUID) (*APIKey, error) {
	return oneInTenant(ctx, s, tenant, "get api key", scanAPIKey, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// RevokeAPIKey revokes one of tenant's keys at once. Revoking twice is not
// an error.
func (s *Store) RevokeAPIKey(ctx context.Context, tenant, id uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2`, tenant, id)
		return exactlyOne("revoke api key", tag, err)
	})
}

// IsAuthError reports whether err means a credential was refused.
func IsAuthError(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrExpired) || errors.Is(err, ErrRevoked)
}
