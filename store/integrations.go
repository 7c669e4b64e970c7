package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/seal"
)

// IntegrationKind names an external service.
type IntegrationKind string

// Integration kinds.
const (
	IntegrationGitHub IntegrationKind = "github"
	IntegrationM365   IntegrationKind = "m365"
)

// Integration connects a tenant (or one of its projects) to an external
// service. Its token is sealed and only returned by IntegrationToken.
type Integration struct {
	ID             uuid.UUID
	ProjectID      *uuid.UUID
	Kind           IntegrationKind
	Config         map[string]any
	HasToken       bool
	TokenExpiresAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// IntegrationInput is what PutIntegration stores. An empty Token keeps the
// stored one.
type IntegrationInput struct {
	ProjectID      *uuid.UUID
	Kind           IntegrationKind
	Config         map[string]any
	Token          string
	TokenExpiresAt *time.Time
}

func integrationAAD(tenant uuid.UUID, kind IntegrationKind, project *uuid.UUID) []byte {
	p := "tenant"
	if project != nil {
		p = project.String()
	}
	return []byte("integration\x00" + tenant.String() + "\x00" + string(kind) + "\x00" + p)
}

const integrationColumns = `id, project_id, kind, config, token_ciphertext IS NOT NULL, token_expires_at, created_at, updated_at`

func scanIntegration(r pgx.Row) (Integration, error) {
	var in Integration
	var cfg []byte
	err := r.Scan(&in.ID, &in.ProjectID, &in.Kind, &cfg, &in.HasToken, &in.TokenExpiresAt, &in.CreatedAt, &in.UpdatedAt)
	if err == nil {
		err = json.Unmarshal(cfg, &in.Config)
	}
	return in, err
}

// PutIntegration creates or updates tenant's integration of a kind (per
// project, or tenant-wide when ProjectID is nil).
func (s *Store) PutIntegration(ctx context.Context, tenant uuid.UUID, in IntegrationInput) (*Integration, error) {
	if in.Kind != IntegrationGitHub && in.Kind != IntegrationM365 {
		return nil, invalidf("put integration", "kind", "unknown kind %q", in.Kind)
	}
	if in.Config == nil {
		in.Config = map[string]any{}
	}
	var sealed *seal.Sealed
	if in.Token != "" {
		kr, err := s.keyring()
		if err != nil {
			return nil, err
		}
		sl, err := kr.Seal([]byte(in.Token), integrationAAD(tenant, in.Kind, in.ProjectID))
		if err != nil {
			return nil, err
		}
		sealed = &sl
	}
	var ct, nonce []byte
	var keyID *string
	if sealed != nil {
		ct, nonce, keyID = sealed.Ciphertext, sealed.Nonce, &sealed.KeyID
	}
	return oneInTenant(ctx, s, tenant, "put integration", scanIntegration, `
			INSERT INTO integrations (id, tenant_id, project_id, kind, config, token_ciphertext, token_nonce, token_key_id, token_expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (tenant_id, project_id, kind) DO UPDATE SET
				config = excluded.config,
				token_ciphertext = coalesce(excluded.token_ciphertext, integrations.token_ciphertext),
				token_nonce = coalesce(excluded.token_nonce, integrations.token_nonce),
				token_key_id = coalesce(excluded.token_key_id, integrations.token_key_id),
				token_expires_at = CASE WHEN excluded.token_ciphertext IS NULL THEN integrations.token_expires_at ELSE excluded.token_expires_at END,
				updated_at = now()
			RETURNING `+integrationColumns,
		newID(), tenant, in.ProjectID, in.Kind, in.Config, ct, nonce, keyID, in.TokenExpiresAt)
}

// GetIntegration returns tenant's integration of a kind, without its token.
func (s *Store) GetIntegration(ctx context.Context, tenant uuid.UUID, kind IntegrationKind, project *uuid.UUID) (*Integration, error) {
	return oneInTenant(ctx, s, tenant, "get integration", scanIntegration, `SELECT `+integrationColumns+` FROM integrations
			WHERE tenant_id = $1 AND kind = $2 AND project_id IS NOT DISTINCT FROM $3`, tenant, kind, project)
}

// IntegrationToken opens an integration's token, for a call to the
// service. ErrNotFound when no token is stored.
func (s *Store) IntegrationToken(ctx context.Context, tenant uuid.UUID, kind IntegrationKind, project *uuid.UUID) (string, error) {
	return s.openInTenant(ctx, tenant, "integration token", "no token stored", integrationAAD(tenant, kind, project), `
			SELECT token_ciphertext, token_nonce, token_key_id FROM integrations
			WHERE tenant_id = $1 AND kind = $2 AND project_id IS NOT DISTINCT FROM $3`, tenant, kind, project)
}

// DeleteIntegration disconnects an integration.
func (s *Store) DeleteIntegration(ctx context.Context, tenant uuid.UUID, kind IntegrationKind, project *uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM integrations WHERE tenant_id = $1 AND kind = $2 AND project_id IS NOT DISTINCT FROM $3`, tenant, kind, project)
		return exactlyOne("delete integration", tag, err)
	})
}
