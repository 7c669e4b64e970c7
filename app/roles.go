package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/argusqa/argus/suite"
)

// Role is a prompt role as a project sees it: a built-in one or its own.
type Role struct {
	Name, Prompt string
	Builtin      bool
}

// ListRoles lists the roles a project's tests may name: the built-in ones,
// then the project's own, by name.
func (a *App) ListRoles(ctx context.Context, p *Principal, project uuid.UUID) ([]Role, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	own, err := a.store.ListRoles(ctx, p.TenantID, project)
	if err != nil {
		return nil, err
	}
	var out []Role
	for _, r := range suite.BuiltinRoles() {
		out = append(out, Role{Name: r.Name, Prompt: r.Prompt, Builtin: true})
	}
	for _, r := range own {
		out = append(out, Role{Name: r.Name, Prompt: r.Prompt})
	}
	return out, nil
}

// PutRole creates or replaces one of the project's roles (admin). A
// built-in role's name cannot be taken.
func (a *App) PutRole(ctx context.Context, p *Principal, project uuid.UUID, name, prompt string) (*Role, error) {
	if err := requireAdmin(p, "change roles"); err != nil {
		return nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	var fields []FieldError
	if err := suite.CheckRoleName(name); err != nil {
		fields = append(fields, FieldError{"name", err.Error()})
	} else if _, builtin := suite.BuiltinRole(name); builtin {
		fields = append(fields, FieldError{"name", "a built-in role has this name; give the project's role another"})
	}
	if err := suite.CheckRolePrompt(prompt); err != nil {
		fields = append(fields, FieldError{"prompt", err.Error()})
	}
	if len(fields) > 0 {
		return nil, invalid("cannot store this role", fields...)
	}
	r, err := a.store.PutRole(ctx, p.TenantID, project, name, prompt)
	if err != nil {
		return nil, err
	}
	return &Role{Name: r.Name, Prompt: r.Prompt}, nil
}

// DeleteRole removes one of the project's roles (admin). Tests that name
// it end in error at their next start, saying so.
func (a *App) DeleteRole(ctx context.Context, p *Principal, project uuid.UUID, name string) error {
	if err := requireAdmin(p, "change roles"); err != nil {
		return err
	}
	if err := suite.CheckRoleName(name); err != nil {
		return notFound("no role of this name in this project")
	}
	return a.store.DeleteRole(ctx, p.TenantID, project, name)
}
