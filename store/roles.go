package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// PromptRole is a prompt role a project defines (roles: in its test files),
// beside the built-in ones of package suite.
type PromptRole struct {
	ID        uuid.UUID
	ProjectID uuid.UUID
	Name      string
	Prompt    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const roleColumns = `id, project_id, name, prompt, created_at, updated_at`

// PutRole creates the project's role called name or replaces its prompt.
func (s *Store) PutRole(ctx context.Context, tenant, project uuid.UUID, name, prompt string) (*PromptRole, error) {
	return oneStructInTenant[PromptRole](ctx, s, tenant, "put role", `
			INSERT INTO roles (id, tenant_id, project_id, name, prompt)
			SELECT $1, $2, p.id, $4, $5 FROM projects p WHERE p.tenant_id = $2 AND p.id = $3
			ON CONFLICT (project_id, name) DO UPDATE SET prompt = excluded.prompt, updated_at = now()
			WHERE roles.tenant_id = excluded.tenant_id
			RETURNING `+roleColumns, newID(), tenant, project, name, prompt)
}

// ListRoles lists a project's roles by name.
func (s *Store) ListRoles(ctx context.Context, tenant, project uuid.UUID) ([]PromptRole, error) {
	return allInTenant(ctx, s, tenant, "list roles", pgx.RowToStructByPos[PromptRole], `SELECT `+roleColumns+` FROM roles WHERE tenant_id = $1 AND project_id = $2 ORDER BY name`, tenant, project)
}

// GetRole returns the project's role called name.
func (s *Store) GetRole(ctx context.Context, tenant, project uuid.UUID, name string) (*PromptRole, error) {
	return oneStructInTenant[PromptRole](ctx, s, tenant, "get role", `SELECT `+roleColumns+` FROM roles WHERE tenant_id = $1 AND project_id = $2 AND name = $3`, tenant, project, name)
}

// DeleteRole removes the project's role called name; tests that name it
// end in error at their next start, saying so.
func (s *Store) DeleteRole(ctx context.Context, tenant, project uuid.UUID, name string) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM roles WHERE tenant_id = $1 AND project_id = $2 AND name = $3`, tenant, project, name)
		return exactlyOne("delete role", tag, err)
	})
}
