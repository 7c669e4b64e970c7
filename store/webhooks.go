package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/seal"
)

// WebhookEndpoint is the state of a project's webhook endpoint, without
// secret values: where events go, whether delivery is switched off, and
// whether a secret rotation is under way.
type WebhookEndpoint struct {
	ProjectID   uuid.UUID
	ProjectName string
	URL         string
	HasSecret   bool
	// RotationEndsAt is set while a previous secret still signs
	// deliveries beside the current one.
	RotationEndsAt *time.Time
	// DisabledAt is set once the receiver asked not to be called again
	// (410 Gone). Changing the URL clears it, as does EnableWebhook.
	DisabledAt     *time.Time
	DisabledReason string
}

// MaxDisabledReason bounds the stored reason for disabling an endpoint.
const MaxDisabledReason = 500

// WebhookEndpoint returns the state of one of tenant's project's webhook
// endpoint.
func (s *Store) WebhookEndpoint(ctx context.Context, tenant, project uuid.UUID) (*WebhookEndpoint, error) {
	var e WebhookEndpoint
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			SELECT id, name, webhook_url, webhook_secret_ciphertext IS NOT NULL,
			       CASE WHEN webhook_prev_secret_expires_at > now() THEN webhook_prev_secret_expires_at END,
			       webhook_disabled_at, webhook_disabled_reason
			FROM projects WHERE tenant_id = $1 AND id = $2`, tenant, project).
			Scan(&e.ProjectID, &e.ProjectName, &e.URL, &e.HasSecret, &e.RotationEndsAt, &e.DisabledAt, &e.DisabledReason)
	})
	if err != nil {
		return nil, wrap("webhook endpoint", err)
	}
	return &e, nil
}

// WebhookSigningSecrets opens the secrets that sign a delivery now: the
// current one first, then the previous one while its rotation window
// lasts. ErrNotFound when no secret is set. Call it where a delivery is
// signed and nowhere else.
func (s *Store) WebhookSigningSecrets(ctx context.Context, tenant, project uuid.UUID) ([]string, error) {
	kr, err := s.keyring()
	if err != nil {
		return nil, err
	}
	var cur, prev seal.Sealed
	var curKey, prevKey *string
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			SELECT webhook_secret_ciphertext, webhook_secret_nonce, webhook_secret_key_id,
			       webhook_prev_secret_ciphertext, webhook_prev_secret_nonce,
			       CASE WHEN webhook_prev_secret_expires_at > now() THEN webhook_prev_secret_key_id END
			FROM projects WHERE tenant_id = $1 AND id = $2`, tenant, project).
			Scan(&cur.Ciphertext, &cur.Nonce, &curKey, &prev.Ciphertext, &prev.Nonce, &prevKey)
	})
	if err != nil {
		return nil, wrap("webhook signing secrets", err)
	}
	if curKey == nil {
		return nil, fmt.Errorf("webhook signing secrets: no webhook secret set: %w", ErrNotFound)
	}
	cur.KeyID = *curKey
	aad := webhookAAD(tenant, project)
	plain, err := kr.Open(cur, aad)
	if err != nil {
		return nil, fmt.Errorf("webhook signing secrets: %w", err)
	}
	out := []string{string(plain)}
	if prevKey != nil {
		prev.KeyID = *prevKey
		old, err := kr.Open(prev, aad)
		if err != nil {
			return nil, fmt.Errorf("webhook signing secrets: previous secret: %w", err)
		}
		out = append(out, string(old))
	}
	return out, nil
}

// RotateWebhookSecret makes secret the project's signing secret. The
// secret it replaces keeps signing deliveries beside the new one for
// overlap, so receivers can switch without rejecting an event; overlap 0
// retires it at once (and ends a rotation still under way). A project
// without a secret simply gets one.
func (s *Store) RotateWebhookSecret(ctx context.Context, tenant, project uuid.UUID, secret string, overlap time.Duration) error {
	kr, err := s.keyring()
	if err != nil {
		return err
	}
	if secret == "" {
		return invalidf("rotate webhook secret", "secret", "empty secret")
	}
	sealed, err := kr.Seal([]byte(secret), webhookAAD(tenant, project))
	if err != nil {
		return err
	}
	keep := overlap > 0
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		// The right-hand sides read the row as it was, so the current
		// secret moves to the previous slot in the same statement that
		// replaces it. Both slots share the associated data, which binds
		// them to this tenant and project.
		tag, err := tx.Exec(ctx, `
			UPDATE projects SET
			    webhook_prev_secret_ciphertext = CASE WHEN $6 THEN webhook_secret_ciphertext END,
			    webhook_prev_secret_nonce      = CASE WHEN $6 THEN webhook_secret_nonce END,
			    webhook_prev_secret_key_id     = CASE WHEN $6 THEN webhook_secret_key_id END,
			    webhook_prev_secret_expires_at = CASE WHEN $6 AND webhook_secret_ciphertext IS NOT NULL
			                                          THEN now() + make_interval(secs => $7) END,
			    webhook_secret_ciphertext = $3, webhook_secret_nonce = $4, webhook_secret_key_id = $5,
			    updated_at = now()
			WHERE tenant_id = $1 AND id = $2`,
			tenant, project, sealed.Ciphertext, sealed.Nonce, sealed.KeyID, keep, overlap.Seconds())
		return exactlyOne("rotate webhook secret", tag, err)
	})
}

// DisableWebhook stops deliveries to a project's endpoint, recording why.
// Disabling a disabled endpoint keeps the first time and reason.
func (s *Store) DisableWebhook(ctx context.Context, tenant, project uuid.UUID, reason string) error {
	reason = truncateUTF8(strings.ToValidUTF8(strings.ReplaceAll(reason, "\x00", ""), "?"), MaxDisabledReason)
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE projects SET webhook_disabled_at = coalesce(webhook_disabled_at, now()),
			       webhook_disabled_reason = CASE WHEN webhook_disabled_at IS NULL THEN $3 ELSE webhook_disabled_reason END
			WHERE tenant_id = $1 AND id = $2`, tenant, project, reason)
		return exactlyOne("disable webhook", tag, err)
	})
}

// EnableWebhook resumes deliveries to a disabled endpoint.
func (s *Store) EnableWebhook(ctx context.Context, tenant, project uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE projects SET webhook_disabled_at = NULL, webhook_disabled_reason = ''
			WHERE tenant_id = $1 AND id = $2`, tenant, project)
		return exactlyOne("enable webhook", tag, err)
	})
}
