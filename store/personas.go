package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Persona is a named identity of a project that tests run as. It holds no
// secret: PasswordSecret and TOTPSecret name vault secrets, opened only
// where an agent types them.
type Persona struct {
	ID             uuid.UUID
	ProjectID      uuid.UUID
	Name           string
	DisplayName    string
	Email          string
	Username       string
	PasswordSecret string
	TOTPSecret     string
	Locale         string
	Timezone       string
	UserAgent      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// PersonaInput is what PutPersona stores under a name. app checks the
// values; the schema's constraints are the backstop.
type PersonaInput struct {
	DisplayName    string
	Email          string
	Username       string
	PasswordSecret string
	TOTPSecret     string
	Locale         string
	Timezone       string
	UserAgent      string
}

const personaColumns = `id, project_id, name, display_name, email, username, password_secret, totp_secret, locale, timezone, user_agent, created_at, updated_at`

// PutPersona creates the project's persona called name or replaces its
// fields.
func (s *Store) PutPersona(ctx context.Context, tenant, project uuid.UUID, name string, in PersonaInput) (*Persona, error) {
	return oneStructInTenant[Persona](ctx, s, tenant, "put persona", `
			INSERT INTO personas (id, tenant_id, project_id, name, display_name, email, username, password_secret, totp_secret, locale, timezone, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (project_id, name) DO UPDATE
			SET display_name = excluded.display_name, email = excluded.email, username = excluded.username,
			    password_secret = excluded.password_secret, totp_secret = excluded.totp_secret,
			    locale = excluded.locale, timezone = excluded.timezone, user_agent = excluded.user_agent, updated_at = now()
			WHERE personas.tenant_id = excluded.tenant_id
			RETURNING `+personaColumns,
		newID(), tenant, project, name, in.DisplayName, in.Email, in.Username, in.PasswordSecret, in.TOTPSecret,
		in.Locale, in.Timezone, in.UserAgent)
}

// ListPersonas lists a project's personas by name.
func (s *Store) ListPersonas(ctx context.Context, tenant, project uuid.UUID) ([]Persona, error) {
	return allInTenant(ctx, s, tenant, "list personas", pgx.RowToStructByPos[Persona], `SELECT `+personaColumns+` FROM personas WHERE tenant_id = $1 AND project_id = $2 ORDER BY name`, tenant, project)
}

// GetPersona returns the project's persona called name.
func (s *Store) GetPersona(ctx context.Context, tenant, project uuid.UUID, name string) (*Persona, error) {
	return oneStructInTenant[Persona](ctx, s, tenant, "get persona", `SELECT `+personaColumns+` FROM personas WHERE tenant_id = $1 AND project_id = $2 AND name = $3`, tenant, project, name)
}

// DeletePersona removes the project's persona called name. Tests that name
// it fail at their next start, saying so.
func (s *Store) DeletePersona(ctx context.Context, tenant, project uuid.UUID, name string) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM personas WHERE tenant_id = $1 AND project_id = $2 AND name = $3`, tenant, project, name)
		return exactlyOne("delete persona", tag, err)
	})
}
