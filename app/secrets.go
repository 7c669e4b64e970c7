package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// ListSecrets lists a project's secret names; values are write-only.
func (a *App) ListSecrets(ctx context.Context, p *Principal, project uuid.UUID) ([]store.Secret, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	return a.store.ListSecrets(ctx, p.TenantID, project)
}

// PutSecret sets a secret's value (admin); it is sealed at rest and never
// shown again.
func (a *App) PutSecret(ctx context.Context, p *Principal, project uuid.UUID, name, value string) error {
	if err := requireAdmin(p, "change secrets"); err != nil {
		return err
	}
	var fields []FieldError
	if !store.SecretNamePattern.MatchString(name) {
		fields = append(fields, FieldError{"name", "start with a letter or _, then letters, digits, _ . or - (at most 64); tests use it as {{secret.NAME}}"})
	}
	if value == "" || len(value) > store.MaxSecretBytes {
		fields = append(fields, FieldError{"value", fmt.Sprintf("must be 1 to %d bytes", store.MaxSecretBytes)})
	}
	if len(fields) > 0 {
		return invalid("cannot store this secret", fields...)
	}
	_, err := a.store.PutSecret(ctx, p.TenantID, project, name, value)
	return err
}

// DeleteSecret removes a secret (admin); an unknown name is not found.
func (a *App) DeleteSecret(ctx context.Context, p *Principal, project uuid.UUID, name string) error {
	if err := requireAdmin(p, "change secrets"); err != nil {
		return err
	}
	secrets, err := a.ListSecrets(ctx, p, project)
	if err != nil {
		return err
	}
	for _, s := range secrets {
		if s.Name == name {
			return a.store.DeleteSecret(ctx, p.TenantID, project, name)
		}
	}
	return notFound("no secret of this name in this project")
}
