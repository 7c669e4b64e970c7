package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

type integrationView struct {
	Kind           string         `json:"kind"`
	ProjectID      *uuid.UUID     `json:"project_id"`
	Config         map[string]any `json:"config"`
	HasToken       bool           `json:"has_token"`
	TokenExpiresAt *time.Time     `json:"token_expires_at"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

type exportRun struct {
	runView
	Agents []exportAgent `json:"agents"`
}

type exportAgent struct {
	agentView
	Steps []stepView `json:"steps"`
}

type exportProject struct {
	projectView
	Secrets      []secretView      `json:"secrets"`
	Tests        []testView        `json:"tests"`
	Runs         []exportRun       `json:"runs"`
	Integrations []integrationView `json:"integrations"`
}

// exportTenant writes everything the tenant holds as one JSON document
// (GDPR data portability): members, keys (without secrets), projects with
// secret names (never values), tests, runs, agents and steps. Screenshots
// are referenced by URL. It is written project by project, so memory use
// stays bounded by one project's runs.
func (s *Server) exportTenant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tenant := principal(r).TenantID
	t, err := s.store.GetTenant(ctx, tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.store.ListMembers(ctx, tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keys, err := s.store.ListAPIKeys(ctx, tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	projects, err := s.store.ListProjects(ctx, tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenantWide, err := s.integrations(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="argus-export-%s-%s.json"`, t.Slug, time.Now().UTC().Format("20060102")))
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	write := func(prefix string, v any) error {
		if _, err := fmt.Fprint(w, prefix); err != nil {
			return err
		}
		return enc.Encode(v)
	}
	mv := make([]memberView, len(members))
	for i := range members {
		mv[i] = viewMember(&members[i])
	}
	kv := make([]apiKeyView, len(keys))
	for i := range keys {
		kv[i] = viewAPIKey(&keys[i])
	}
	err = errors.Join(
		write(`{"format":"argus-tenant-export/1","exported_at":`, time.Now().UTC()),
		write(`,"tenant":`, viewTenant(t)),
		write(`,"members":`, nonNil(mv)),
		write(`,"api_keys":`, nonNil(kv)),
		write(`,"integrations":`, nonNil(tenantWide)),
	)
	if err == nil {
		_, err = fmt.Fprint(w, `,"projects":[`)
	}
	for i := range projects {
		if err != nil {
			break
		}
		var ep *exportProject
		if ep, err = s.exportProject(r, &projects[i]); err != nil {
			break
		}
		sep := ""
		if i > 0 {
			sep = ","
		}
		err = write(sep, ep)
	}
	if err == nil {
		_, err = fmt.Fprint(w, "]}\n")
	}
	if err != nil {
		// Headers are out; the truncated document is the client's signal.
		s.log.Error("tenant export failed midway", "tenant", tenant, "error", err)
	}
}

func (s *Server) exportProject(r *http.Request, p *store.Project) (*exportProject, error) {
	ctx := r.Context()
	tenant := p.TenantID
	ep := &exportProject{projectView: viewProject(p), Secrets: []secretView{}, Tests: []testView{}, Runs: []exportRun{}}
	secrets, err := s.store.ListSecrets(ctx, tenant, p.ID)
	if err != nil {
		return nil, err
	}
	for _, sec := range secrets {
		ep.Secrets = append(ep.Secrets, secretView{Name: sec.Name, UpdatedAt: sec.UpdatedAt.UTC()})
	}
	tests, err := s.allTests(ctx, tenant, store.TestFilter{ProjectID: &p.ID})
	if err != nil {
		return nil, err
	}
	for i := range tests {
		ep.Tests = append(ep.Tests, viewTest(&tests[i]))
	}
	if ep.Integrations, err = s.integrations(r, &p.ID); err != nil {
		return nil, err
	}
	err = s.allRuns(ctx, tenant, &p.ID, func(run *store.Run) error {
		agents, err := s.store.ListAgents(ctx, tenant, run.ID)
		if err != nil {
			return err
		}
		er := exportRun{runView: s.viewRun(run, nil), Agents: []exportAgent{}}
		for i := range agents {
			steps, err := s.store.ListSteps(ctx, tenant, agents[i].ID)
			if err != nil {
				return err
			}
			ea := exportAgent{agentView: viewAgent(&agents[i]), Steps: []stepView{}}
			for j := range steps {
				ea.Steps = append(ea.Steps, s.viewStep(&steps[j]))
			}
			er.Agents = append(er.Agents, ea)
		}
		ep.Runs = append(ep.Runs, er)
		return nil
	})
	return ep, err
}

// integrations lists the tenant's integrations of every kind, tenant-wide
// (project nil) or of one project; tokens stay sealed.
func (s *Server) integrations(r *http.Request, project *uuid.UUID) ([]integrationView, error) {
	var out []integrationView
	for _, kind := range []store.IntegrationKind{store.IntegrationGitHub, store.IntegrationM365} {
		in, err := s.store.GetIntegration(r.Context(), principal(r).TenantID, kind, project)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, integrationView{Kind: string(in.Kind), ProjectID: in.ProjectID, Config: in.Config, HasToken: in.HasToken,
			TokenExpiresAt: utcPtr(in.TokenExpiresAt), CreatedAt: in.CreatedAt.UTC(), UpdatedAt: in.UpdatedAt.UTC()})
	}
	return nonNil(out), nil
}
