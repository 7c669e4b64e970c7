package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// ExportFormat names the tenant export's format.
const ExportFormat = "argus-tenant-export/1"

// The export's parts, in the API's wire forms.
type (
	exportRun struct {
		api.Run
		Agents []exportAgent `json:"agents"`
	}
	exportAgent struct {
		api.Agent
		Steps []api.Step `json:"steps"`
	}
	exportProject struct {
		api.Project
		Secrets      []api.Secret      `json:"secrets"`
		Personas     []api.Persona     `json:"personas"`
		Tests        []api.Test        `json:"tests"`
		Runs         []exportRun       `json:"runs"`
		Integrations []api.Integration `json:"integrations"`
		// Discoveries are the latest 20, with their maps and suggestions.
		Discoveries []api.Discovery `json:"discoveries"`
	}
)

// ExportFilename is the file name a download of the export should get.
func (a *App) ExportFilename(ctx context.Context, p *Principal) (string, error) {
	t, err := a.store.GetTenant(ctx, p.TenantID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("argus-export-%s-%s.json", t.Slug, a.cfg.now().UTC().Format("20060102")), nil
}

// ExportTenant writes everything the tenant holds to w as one JSON
// document (GDPR data portability), admin only: members, keys (never their
// secret), integrations (tokens stay sealed), projects with secret names
// (never values), tests, runs, agents and steps, discoveries; screenshots and videos by URL. It is
// written project by project, so memory stays bounded by one project. A
// failure after the first byte leaves the document cut short, which the
// reader sees as invalid JSON, never as a complete export missing data.
func (a *App) ExportTenant(ctx context.Context, p *Principal, w io.Writer) error {
	if err := requireAdmin(p, "export the tenant"); err != nil {
		return err
	}
	tenant := p.TenantID
	t, err := a.store.GetTenant(ctx, tenant)
	if err != nil {
		return err
	}
	members, err := a.store.ListMembers(ctx, tenant)
	if err != nil {
		return err
	}
	keys, err := a.store.ListAPIKeys(ctx, tenant)
	if err != nil {
		return err
	}
	projects, err := a.store.ListProjects(ctx, tenant)
	if err != nil {
		return err
	}
	tenantWide, err := a.integrations(ctx, tenant, nil)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	write := func(prefix string, v any) error {
		if _, err := io.WriteString(w, prefix); err != nil {
			return err
		}
		return enc.Encode(v)
	}
	err = errors.Join(
		write(`{"format":"`+ExportFormat+`","exported_at":`, a.cfg.now().UTC()),
		write(`,"tenant":`, TenantView(t)),
		write(`,"members":`, nonNil(Map(members, MemberView))),
		write(`,"api_keys":`, nonNil(Map(keys, APIKeyView))),
		write(`,"integrations":`, tenantWide),
	)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, `,"projects":[`); err != nil {
		return err
	}
	for i := range projects {
		ep, err := a.exportProject(ctx, &projects[i])
		if err != nil {
			return err
		}
		sep := ""
		if i > 0 {
			sep = ","
		}
		if err := write(sep, ep); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}

func (a *App) exportProject(ctx context.Context, p *store.Project) (*exportProject, error) {
	tenant := p.TenantID
	ep := &exportProject{Project: ProjectView(p), Tests: []api.Test{}, Runs: []exportRun{}}
	secrets, err := a.store.ListSecrets(ctx, tenant, p.ID)
	if err != nil {
		return nil, err
	}
	ep.Secrets = nonNil(Map(secrets, SecretView))
	personas, err := a.store.ListPersonas(ctx, tenant, p.ID)
	if err != nil {
		return nil, err
	}
	ep.Personas = nonNil(Map(personas, PersonaView))
	ds, err := a.store.ListDiscoveries(ctx, tenant, p.ID, 20)
	if err != nil {
		return nil, err
	}
	ep.Discoveries = []api.Discovery{}
	for _, d := range ds {
		full, err := a.store.GetDiscovery(ctx, tenant, d.ID)
		if err != nil {
			return nil, err
		}
		ep.Discoveries = append(ep.Discoveries, a.DiscoveryView(full, true))
	}
	for t, err := range a.store.AllTests(ctx, tenant, store.TestFilter{ProjectID: &p.ID}) {
		if err != nil {
			return nil, err
		}
		ep.Tests = append(ep.Tests, TestView(t))
	}
	if ep.Integrations, err = a.integrations(ctx, tenant, &p.ID); err != nil {
		return nil, err
	}
	for run, err := range a.store.AllRuns(ctx, tenant, store.RunFilter{ProjectID: &p.ID}) {
		if err != nil {
			return nil, err
		}
		agents, err := a.store.ListAgents(ctx, tenant, run.ID)
		if err != nil {
			return nil, err
		}
		er := exportRun{Run: a.RunView(run, nil), Agents: []exportAgent{}}
		for i := range agents {
			steps, err := a.store.ListSteps(ctx, tenant, agents[i].ID)
			if err != nil {
				return nil, err
			}
			er.Agents = append(er.Agents, exportAgent{Agent: AgentView(&agents[i]), Steps: nonNil(Map(steps, a.StepView))})
		}
		ep.Runs = append(ep.Runs, er)
	}
	return ep, nil
}

// integrations lists the integrations of every kind, tenant-wide (project
// nil) or of one project.
func (a *App) integrations(ctx context.Context, tenant uuid.UUID, project *uuid.UUID) ([]api.Integration, error) {
	out := []api.Integration{}
	for _, kind := range []store.IntegrationKind{store.IntegrationGitHub, store.IntegrationM365} {
		in, err := a.store.GetIntegration(ctx, tenant, kind, project)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, IntegrationView(in))
	}
	return out, nil
}

// DeleteTenant deletes the tenant with everything it owns — rows by
// cascade, its API keys from the key cache, then its blobs — once the
// admin confirmed with the tenant's slug. People keep their accounts for
// their other tenants.
func (a *App) DeleteTenant(ctx context.Context, p *Principal, confirm string) error {
	if err := requireAdmin(p, "delete the tenant"); err != nil {
		return err
	}
	t, err := a.store.GetTenant(ctx, p.TenantID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(confirm) != t.Slug {
		return invalid("to delete this tenant, confirm with its slug, "+t.Slug, FieldError{"confirm", "must be the tenant's slug, " + t.Slug})
	}
	if err := a.store.DeleteTenant(ctx, t.ID); err != nil {
		return err
	}
	a.keys.forgetTenant(t.ID)
	if err := a.cfg.Blobs.DeletePrefix(ctx, storage.TenantPrefix(t.ID.String())); err != nil {
		// The rows are gone, so nothing can reach these blobs; the
		// operator must still remove them for the deletion to be whole.
		return fmt.Errorf("tenant %s deleted but its blobs were not (remove %s from blob storage): %w", t.Slug, storage.TenantPrefix(t.ID.String()), err)
	}
	a.log.Info("tenant deleted", "tenant", t.ID, "slug", t.Slug)
	return nil
}
