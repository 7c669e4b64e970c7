package app

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

// GitHubSettings are where a project's failures are reported as issues.
type GitHubSettings struct {
	Target github.Target
	// Problem says why stored settings cannot be used (e.g. saved before
	// they were complete), so an admin knows no reports are made.
	Problem string
}

var errNoGitHub = notFound("this project has no GitHub settings")

// GitHub returns a project's GitHub issue settings (admin); not found
// when there are none.
func (a *App) GitHub(ctx context.Context, p *Principal, project uuid.UUID) (*GitHubSettings, error) {
	if err := requireAdmin(p, "see GitHub settings"); err != nil {
		return nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	in, err := a.store.GetIntegration(ctx, p.TenantID, store.IntegrationGitHub, &project)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoGitHub
	}
	if err != nil {
		return nil, err
	}
	// TargetFromConfig fills what it could read even when it refuses.
	t, err := github.TargetFromConfig(in.Config)
	out := &GitHubSettings{Target: t}
	if err != nil {
		out.Problem = "failures are not reported to GitHub until these settings are complete: " + strings.TrimPrefix(err.Error(), github.ErrInvalid.Error()+": ")
	}
	return out, nil
}

// PutGitHub sets where a project's failures are reported (admin), checked
// field by field with the rules the worker applies, so nothing is stored
// that the worker would refuse. A stored installation token is kept.
func (a *App) PutGitHub(ctx context.Context, p *Principal, project uuid.UUID, t github.Target) (*GitHubSettings, error) {
	if err := requireAdmin(p, "change GitHub settings"); err != nil {
		return nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	var fields []FieldError
	if t.InstallationID <= 0 {
		fields = append(fields, FieldError{"installation_id", "must be a positive number: the id of the Argus GitHub App's installation (the number at the end of its settings URL on GitHub)"})
	}
	// Validate stops at the first problem; check the repository alone
	// with a stand-in id.
	probe := t
	probe.InstallationID = 1
	if probe.Validate() != nil {
		fields = append(fields, FieldError{"repository", `must be "owner/name", e.g. "acme/shop"`})
	}
	if len(fields) > 0 {
		return nil, invalid("cannot report to GitHub with these settings", fields...)
	}
	in, err := a.store.PutIntegration(ctx, p.TenantID, store.IntegrationInput{ProjectID: &project, Kind: store.IntegrationGitHub, Config: t.Config()})
	if err != nil {
		return nil, err
	}
	stored, err := github.TargetFromConfig(in.Config)
	if err != nil {
		return nil, err
	}
	return &GitHubSettings{Target: stored}, nil
}

// DeleteGitHub stops reporting a project's failures to GitHub (admin).
func (a *App) DeleteGitHub(ctx context.Context, p *Principal, project uuid.UUID) error {
	if err := requireAdmin(p, "change GitHub settings"); err != nil {
		return err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return err
	}
	err := a.store.DeleteIntegration(ctx, p.TenantID, store.IntegrationGitHub, &project)
	if errors.Is(err, store.ErrNotFound) {
		return errNoGitHub
	}
	return err
}
