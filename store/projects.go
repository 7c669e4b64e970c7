package store

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Project is one application under test.
type Project struct {
	ID             uuid.UUID
	TenantID       uuid.UUID
	Name           string
	BaseURL        string
	AllowedOrigins []string
	// BlockThirdPartyRequests refuses every request of the project's
	// browsers outside the base URL's and the allowed origins.
	BlockThirdPartyRequests bool
	WebhookURL              string
	// HasWebhookSecret reports whether a webhook secret is set; the secret
	// itself is only returned by WebhookSecret.
	HasWebhookSecret bool
	DefaultModel     string
	Settings         map[string]any
	// Video is when agents are recorded: on, on-failure or off (default).
	Video string
	// DiscoveryAllowDestructive lets discovery submit forms that look
	// destructive (delete, pay, send); off, they are only mapped.
	DiscoveryAllowDestructive bool
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}

// ProjectInput is the editable part of a project.
type ProjectInput struct {
	Name                    string
	BaseURL                 string
	AllowedOrigins          []string
	BlockThirdPartyRequests bool
	WebhookURL              string
	DefaultModel            string
	Settings                map[string]any
	Video                   string // on, on-failure or off; "" is off
	// DiscoveryAllowDestructive: see Project.
	DiscoveryAllowDestructive bool
}

func (in *ProjectInput) normalise() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 200 {
		return invalidf("", "name", "name must be 1 to 200 characters")
	}
	if err := httpURL("base_url", "base URL", in.BaseURL, false); err != nil {
		return err
	}
	for _, o := range in.AllowedOrigins {
		if err := httpURL("allowed_origins", "allowed origin", o, false); err != nil {
			return err
		}
	}
	if err := httpURL("webhook_url", "webhook URL", in.WebhookURL, true); err != nil {
		return err
	}
	switch in.Video {
	case "":
		in.Video = "off"
	case "on", "off", "on-failure":
	default:
		return invalidf("", "video", "video must be on, on-failure or off, not %q", in.Video)
	}
	if in.AllowedOrigins == nil {
		in.AllowedOrigins = []string{}
	}
	if in.Settings == nil {
		in.Settings = map[string]any{}
	}
	return nil
}

func httpURL(field, what, raw string, optional bool) error {
	if raw == "" && optional {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalidf("", field, "%s %q must be an absolute http(s) URL such as https://app.example.com", what, raw)
	}
	return nil
}

const projectColumns = `id, tenant_id, name, base_url, allowed_origins, block_third_party_requests, webhook_url,
	webhook_secret_ciphertext IS NOT NULL, default_model, settings, created_at, updated_at, video, discovery_allow_destructive`

func scanProject(r pgx.Row) (Project, error) {
	var p Project
	var settings []byte
	err := r.Scan(&p.ID, &p.TenantID, &p.Name, &p.BaseURL, &p.AllowedOrigins, &p.BlockThirdPartyRequests, &p.WebhookURL,
		&p.HasWebhookSecret, &p.DefaultModel, &settings, &p.CreatedAt, &p.UpdatedAt, &p.Video, &p.DiscoveryAllowDestructive)
	if err == nil {
		err = json.Unmarshal(settings, &p.Settings)
	}
	return p, err
}

// CreateProject adds a project to tenant.
func (s *Store) CreateProject(ctx context.Context, tenant uuid.UUID, in ProjectInput) (*Project, error) {
	if err := in.normalise(); err != nil {
		return nil, withOp("create project", err)
	}
	return oneInTenant(ctx, s, tenant, "create project", scanProject, `
			INSERT INTO projects (id, tenant_id, name, base_url, allowed_origins, webhook_url, default_model, settings, block_third_party_requests, video, discovery_allow_destructive)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+projectColumns,
		newID(), tenant, in.Name, in.BaseURL, in.AllowedOrigins, in.WebhookURL, in.DefaultModel, in.Settings, in.BlockThirdPartyRequests, in.Video, in.DiscoveryAllowDestructive)
}

// GetProject returns one of tenant's projects.
func (s *Store) GetProject(ctx context.Context, tenant, id uuid.UUID) (*Project, error) {
	return oneInTenant(ctx, s, tenant, "get project", scanProject, `SELECT `+projectColumns+` FROM projects WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// ListProjects lists tenant's projects by name.
func (s *Store) ListProjects(ctx context.Context, tenant uuid.UUID) ([]Project, error) {
	return allInTenant(ctx, s, tenant, "list projects", rowsOf(scanProject), `SELECT `+projectColumns+` FROM projects WHERE tenant_id = $1 ORDER BY name`, tenant)
}

// UpdateProject replaces the editable fields of a project.
func (s *Store) UpdateProject(ctx context.Context, tenant, id uuid.UUID, in ProjectInput) (*Project, error) {
	if err := in.normalise(); err != nil {
		return nil, withOp("update project", err)
	}
	return oneInTenant(ctx, s, tenant, "update project", scanProject, `
			UPDATE projects SET name = $3, base_url = $4, allowed_origins = $5, webhook_url = $6,
			       default_model = $7, settings = $8, block_third_party_requests = $9, video = $10, discovery_allow_destructive = $11, updated_at = now()
			WHERE tenant_id = $1 AND id = $2 RETURNING `+projectColumns,
		tenant, id, in.Name, in.BaseURL, in.AllowedOrigins, in.WebhookURL, in.DefaultModel, in.Settings, in.BlockThirdPartyRequests, in.Video, in.DiscoveryAllowDestructive)
}

// DeleteProject deletes a project and everything in it.
func (s *Store) DeleteProject(ctx context.Context, tenant, id uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM projects WHERE tenant_id = $1 AND id = $2`, tenant, id)
		return exactlyOne("delete project", tag, err)
	})
}

func webhookAAD(tenant, project uuid.UUID) []byte {
	return []byte("webhook-secret\x00" + tenant.String() + "\x00" + project.String())
}

// SetWebhookSecret seals and stores a project's webhook signing secret.
func (s *Store) SetWebhookSecret(ctx context.Context, tenant, project uuid.UUID, secret string) error {
	kr, err := s.keyring()
	if err != nil {
		return err
	}
	sealed, err := kr.Seal([]byte(secret), webhookAAD(tenant, project))
	if err != nil {
		return err
	}
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE projects SET webhook_secret_ciphertext = $3, webhook_secret_nonce = $4, webhook_secret_key_id = $5, updated_at = now()
			WHERE tenant_id = $1 AND id = $2`, tenant, project, sealed.Ciphertext, sealed.Nonce, sealed.KeyID)
		return exactlyOne("set webhook secret", tag, err)
	})
}

// WebhookSecret opens a project's webhook signing secret, for signing a
// delivery. ErrNotFound when none is set.
func (s *Store) WebhookSecret(ctx context.Context, tenant, project uuid.UUID) (string, error) {
	return s.openInTenant(ctx, tenant, "webhook secret", "no webhook secret set", webhookAAD(tenant, project), `
			SELECT webhook_secret_ciphertext, webhook_secret_nonce, webhook_secret_key_id
			FROM projects WHERE tenant_id = $1 AND id = $2`, tenant, project)
}
