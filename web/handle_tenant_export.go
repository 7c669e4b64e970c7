package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

func tenantBlobPrefix(t uuid.UUID) string { return storage.TenantPrefix(t.String()) }

type exportMember struct {
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

type exportKey struct {
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

type exportStep struct {
	Attempt       int            `json:"attempt"`
	Index         int            `json:"index"`
	Thought       string         `json:"thought"`
	Action        string         `json:"action"`
	Args          map[string]any `json:"args"`
	Outcome       string         `json:"outcome"`
	URL           string         `json:"url"`
	ScreenshotKey string         `json:"screenshot_key,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
}

type exportAgent struct {
	store.Agent
	Steps []exportStep `json:"steps"`
}

type exportRun struct {
	store.Run
	Agents []exportAgent `json:"agents"`
}

type exportProject struct {
	ID             uuid.UUID    `json:"id"`
	Name           string       `json:"name"`
	BaseURL        string       `json:"base_url"`
	AllowedOrigins []string     `json:"allowed_origins"`
	WebhookURL     string       `json:"webhook_url"`
	CreatedAt      time.Time    `json:"created_at"`
	SecretNames    []string     `json:"secret_names"`
	Tests          []store.Test `json:"tests"`
	Runs           []exportRun  `json:"runs"`
}

// tenantExport downloads everything the tenant holds as JSON (data
// portability): members, keys without secrets, projects with secret names
// but never values, tests, runs, agents and steps. Screenshots are listed
// by blob key. Projects are written one at a time, so memory stays bounded
// by one project.
func (u *UI) tenantExport(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	members, err := u.store.ListMembers(ctx, v.TenantID)
	if err != nil {
		return err
	}
	keys, err := u.store.ListAPIKeys(ctx, v.TenantID)
	if err != nil {
		return err
	}
	projects, err := u.store.ListProjects(ctx, v.TenantID)
	if err != nil {
		return err
	}
	head := struct {
		Tenant     *store.Tenant  `json:"tenant"`
		ExportedAt time.Time      `json:"exported_at"`
		Members    []exportMember `json:"members"`
		Keys       []exportKey    `json:"api_keys"`
	}{Tenant: v.Tenant, ExportedAt: time.Now().UTC()}
	for _, m := range members {
		head.Members = append(head.Members, exportMember{m.User.Email, m.User.Name, string(m.Role), m.CreatedAt})
	}
	for _, k := range keys {
		head.Keys = append(head.Keys, exportKey{k.Name, k.DisplayPrefix, string(k.Role), k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt})
	}
	// Everything is read before the first byte goes out for the head; each
	// project is read whole before it is written, so a failure mid-way
	// cuts the document (invalid JSON) rather than silently dropping data.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="argus-export-%s-%s.json"`, v.Tenant.Slug, time.Now().UTC().Format("20060102")))
	hb, err := json.Marshal(head)
	if err != nil {
		return err
	}
	_, _ = w.Write(hb[:len(hb)-1])
	_, _ = w.Write([]byte(`,"projects":[`))
	for i, p := range projects {
		ep, err := u.exportProject(r, v, p)
		if err != nil {
			u.log.Error("tenant export cut short", "tenant", v.TenantID, "error", err)
			return nil
		}
		b, err := json.Marshal(ep)
		if err != nil {
			return nil
		}
		if i > 0 {
			_, _ = w.Write([]byte(","))
		}
		_, _ = w.Write(b)
	}
	_, _ = w.Write([]byte("]}\n"))
	return nil
}

func (u *UI) exportProject(r *http.Request, v *viewer, p store.Project) (*exportProject, error) {
	ctx := r.Context()
	ep := &exportProject{ID: p.ID, Name: p.Name, BaseURL: p.BaseURL, AllowedOrigins: p.AllowedOrigins, WebhookURL: p.WebhookURL, CreatedAt: p.CreatedAt,
		SecretNames: []string{}, Tests: []store.Test{}, Runs: []exportRun{}}
	secrets, err := u.store.ListSecrets(ctx, v.TenantID, p.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range secrets {
		ep.SecretNames = append(ep.SecretNames, s.Name)
	}
	var cur *store.Cursor
	for {
		tests, next, err := u.store.ListTests(ctx, v.TenantID, store.TestFilter{ProjectID: &p.ID, After: cur, Limit: store.MaxPageSize})
		if err != nil {
			return nil, err
		}
		ep.Tests = append(ep.Tests, tests...)
		if cur = next; cur == nil {
			break
		}
	}
	for {
		runs, next, err := u.store.ListRuns(ctx, v.TenantID, store.RunFilter{ProjectID: &p.ID, After: cur, Limit: store.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, run := range runs {
			er := exportRun{Run: run, Agents: []exportAgent{}}
			agents, err := u.store.ListAgents(ctx, v.TenantID, run.ID)
			if err != nil {
				return nil, err
			}
			for _, a := range agents {
				steps, err := u.store.ListSteps(ctx, v.TenantID, a.ID)
				if err != nil {
					return nil, err
				}
				ea := exportAgent{Agent: a, Steps: make([]exportStep, len(steps))}
				for i, st := range steps {
					ea.Steps[i] = exportStep{st.Attempt, st.Index, st.Thought, st.Action, st.Args, st.Outcome, st.URL, st.ScreenshotKey, st.CreatedAt}
				}
				er.Agents = append(er.Agents, ea)
			}
			ep.Runs = append(ep.Runs, er)
		}
		if cur = next; cur == nil {
			break
		}
	}
	return ep, nil
}
