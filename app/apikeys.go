package app

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// MaxKeyDays bounds an API key's life (ten years).
const MaxKeyDays = 3650

// APIKeyInput makes an API key.
type APIKeyInput struct {
	Name string
	// ExpiresInDays is the key's life, 1 to MaxKeyDays days; nil for a key
	// that does not expire.
	ExpiresInDays *int
	// Role is "member" (default) or "admin".
	Role string
}

// ListAPIKeys lists the tenant's keys, never their secret part (admin).
func (a *App) ListAPIKeys(ctx context.Context, p *Principal) ([]store.APIKey, error) {
	if err := requireAdmin(p, "see API keys"); err != nil {
		return nil, err
	}
	return a.store.ListAPIKeys(ctx, p.TenantID)
}

// CreateAPIKey makes a key and returns it with its plaintext, the one time
// it exists outside the caller (admin); only its hash is stored.
func (a *App) CreateAPIKey(ctx context.Context, p *Principal, in APIKeyInput) (*store.APIKey, error) {
	if err := requireAdmin(p, "create API keys"); err != nil {
		return nil, err
	}
	var fields []FieldError
	nk := store.NewAPIKey{Name: strings.TrimSpace(in.Name), CreatedBy: p.UserID, Role: store.RoleMember}
	if nk.Name == "" {
		fields = append(fields, FieldError{"name", "name the key after where it is used, e.g. “GitHub Actions”"})
	}
	if in.Role != "" {
		role, err := store.ParseRole(in.Role)
		if err != nil {
			fields = append(fields, FieldError{"role", `must be "admin" or "member"`})
		}
		nk.Role = role
	}
	if d := in.ExpiresInDays; d != nil {
		if *d < 1 || *d > MaxKeyDays {
			fields = append(fields, FieldError{"expires_in_days", "must be from 1 to 3650 days; leave it out for a key that does not expire"})
		} else {
			exp := a.cfg.now().Add(time.Duration(*d) * 24 * time.Hour)
			nk.ExpiresAt = &exp
		}
	}
	if len(fields) > 0 {
		return nil, invalid("cannot create this key", fields...)
	}
	return a.store.CreateAPIKey(ctx, p.TenantID, nk)
}

// RevokeAPIKey revokes a key at once in this process; other processes
// stop accepting it within the key cache's TTL (admin).
func (a *App) RevokeAPIKey(ctx context.Context, p *Principal, id uuid.UUID) error {
	if err := requireAdmin(p, "revoke API keys"); err != nil {
		return err
	}
	if err := a.store.RevokeAPIKey(ctx, p.TenantID, id); err != nil {
		return err
	}
	a.keys.forget(id)
	return nil
}
