package app

import (
	"fmt"
	"time"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/store"
)

// The wire forms of stored rows (package api). The REST API answers with
// them and the tenant export is made of them, so both show one shape.

// UserView is u's wire form; nil stays nil.
func UserView(u *store.User) *api.User {
	if u == nil {
		return nil
	}
	return &api.User{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt.UTC(), LastLoginAt: utc(u.LastLoginAt)}
}

// TenantView is t's wire form.
func TenantView(t *store.Tenant) api.Tenant {
	return api.Tenant{ID: t.ID, Name: t.Name, Slug: t.Slug, CreatedAt: t.CreatedAt.UTC()}
}

// ProjectView is p's wire form.
func ProjectView(p *store.Project) api.Project {
	return api.Project{ID: p.ID, Name: p.Name, BaseURL: p.BaseURL, AllowedOrigins: nonNil(p.AllowedOrigins),
		BlockThirdPartyRequests: p.BlockThirdPartyRequests, WebhookURL: p.WebhookURL, DefaultModel: p.DefaultModel, Video: p.Video, DiscoveryAllowDestructive: p.DiscoveryAllowDestructive, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

// TestView is t's wire form.
func TestView(t *store.Test) api.Test {
	return api.Test{ID: t.ID, ProjectID: t.ProjectID, Name: t.Name, URL: t.StartURL, Goal: t.Goal,
		Steps: nonNil(t.Steps), Checkpoints: nonNil(t.Checkpoints), Tags: nonNil(t.Tags), Covers: nonNil(t.Covers),
		TimeoutSeconds: int(t.Timeout / time.Second), Persona: t.Persona, Video: t.Video, Priority: t.Priority, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC()}
}

// RunView is r's wire form with its agents (none in lists).
func (a *App) RunView(r *store.Run, agents []store.Agent) api.Run {
	v := api.Run{ID: r.ID, ProjectID: r.ProjectID, Status: api.Status(r.Status), Trigger: string(r.Trigger),
		CommitSHA: r.CommitSHA, Branch: r.Branch, CreatedAt: r.CreatedAt.UTC(), StartedAt: utc(r.StartedAt),
		FinishedAt: utc(r.FinishedAt), Selection: r.Selection, Agents: []api.Agent{},
		Links: api.Links{UI: a.cfg.PublicURL + "/runs/" + r.ID.String(), API: a.cfg.PublicURL + "/api/v1/runs/" + r.ID.String()}}
	for i := range agents {
		v.Agents = append(v.Agents, AgentView(&agents[i]))
	}
	return v
}

// AgentView is ag's wire form.
func AgentView(ag *store.Agent) api.Agent {
	return api.Agent{ID: ag.ID, RunID: ag.RunID, TestID: ag.TestID, TestName: ag.TestName, Status: api.Status(ag.Status),
		Summary: ag.Summary, ErrorReason: ag.ErrorReason, Model: ag.Model, Iterations: ag.Iterations,
		InputTokens: ag.InputTokens, OutputTokens: ag.OutputTokens, Attempt: ag.Attempt, CreatedAt: ag.CreatedAt.UTC(),
		StartedAt: utc(ag.StartedAt), FinishedAt: utc(ag.FinishedAt), DurationMS: ag.DurationMS, VideoURL: ag.VideoURL}
}

// StepView is st's wire form, with the API URL of its screenshot.
func (a *App) StepView(st *store.Step) api.Step {
	v := api.Step{AgentID: st.AgentID, Index: st.Index, Attempt: st.Attempt, Thought: st.Thought, Action: st.Action,
		Args: st.Args, Outcome: st.Outcome, URL: st.URL, ObserveMS: st.ObserveMS, ModelMS: st.ModelMS, ActMS: st.ActMS,
		InputTokens: st.InputTokens, OutputTokens: st.OutputTokens, Failed: st.Failed, CreatedAt: st.CreatedAt.UTC()}
	if v.Args == nil {
		v.Args = map[string]any{}
	}
	if st.ScreenshotKey != "" {
		u := fmt.Sprintf("%s/api/v1/agents/%s/steps/%d/screenshot?attempt=%d", a.cfg.PublicURL, st.AgentID, st.Index, st.Attempt)
		v.ScreenshotURL = &u
	}
	return v
}

// APIKeyView is k's wire form; the plaintext only right after creation.
func APIKeyView(k *store.APIKey) api.APIKey {
	return api.APIKey{ID: k.ID, Name: k.Name, Prefix: k.DisplayPrefix, Role: string(k.Role), Key: k.Plaintext,
		CreatedAt: k.CreatedAt.UTC(), ExpiresAt: utc(k.ExpiresAt), LastUsedAt: utc(k.LastUsedAt), RevokedAt: utc(k.RevokedAt)}
}

// MemberView is m's wire form.
func MemberView(m *store.Member) api.Member {
	return api.Member{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: string(m.Role), CreatedAt: m.CreatedAt.UTC()}
}

// SecretView is s's wire form: the name, never the value.
func SecretView(s *store.Secret) api.Secret {
	return api.Secret{Name: s.Name, UpdatedAt: s.UpdatedAt.UTC()}
}

// DeliveryView is d's wire form, without the payload.
func DeliveryView(d *store.WebhookDelivery) api.Delivery {
	return api.Delivery{ID: d.ID, ProjectID: d.ProjectID, EventID: d.EventID, EventType: d.EventType, URL: d.URL,
		Attempt: d.Attempt, StatusCode: d.StatusCode, LatencyMS: d.LatencyMS, ResponseExcerpt: d.ResponseExcerpt,
		Error: d.Error, CreatedAt: d.CreatedAt.UTC()}
}

// IntegrationView is in's wire form; tokens stay sealed.
func IntegrationView(in *store.Integration) api.Integration {
	return api.Integration{Kind: string(in.Kind), ProjectID: in.ProjectID, Config: in.Config, HasToken: in.HasToken,
		TokenExpiresAt: utc(in.TokenExpiresAt), CreatedAt: in.CreatedAt.UTC(), UpdatedAt: in.UpdatedAt.UTC()}
}

// ListOf wraps a complete list.
func ListOf[T any](items []T) api.List[T] { return api.List[T]{Items: nonNil(items)} }

// PageOf wraps one page of a long list.
func PageOf[T any](items []T, next *store.Cursor) api.Page[T] {
	p := api.Page[T]{Items: nonNil(items)}
	if next != nil {
		c := next.String()
		p.NextCursor = &c
	}
	return p
}

// Map converts each element with f.
func Map[S, T any](in []S, f func(*S) T) []T {
	out := make([]T, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// PersonaView is p's wire form.
func PersonaView(p *store.Persona) api.Persona {
	return api.Persona{Name: p.Name, UpdatedAt: p.UpdatedAt.UTC(), PersonaPut: api.PersonaPut{
		DisplayName: p.DisplayName, Email: p.Email, Username: p.Username, PasswordSecret: p.PasswordSecret,
		TOTPSecret: p.TOTPSecret, Locale: p.Locale, Timezone: p.Timezone, UserAgent: p.UserAgent}}
}

// PlanView is a plan as the API shows it.
func PlanView(p *store.Plan) api.Plan {
	v := api.Plan{ID: p.ID, ProjectID: p.ProjectID, Name: p.Name, UpdatedAt: p.UpdatedAt.UTC(), Nodes: []api.PlanNode{}}
	for _, n := range p.Nodes {
		v.Nodes = append(v.Nodes, api.PlanNode{Test: n.Name, Needs: nonNil(n.Needs)})
	}
	return v
}

// PlanRunView is a plan's run as the API shows it.
func (a *App) PlanRunView(pr *PlanRun) api.PlanRun {
	v := api.PlanRun{RunID: pr.Run.ID, Plan: pr.PlanName, Status: api.Status(pr.Run.Status), Outcome: string(pr.Outcome),
		Nodes: []api.PlanRunNode{},
		Links: api.Links{UI: a.cfg.PublicURL + "/runs/" + pr.Run.ID.String() + "/plan", API: a.cfg.PublicURL + "/api/v1/runs/" + pr.Run.ID.String() + "/plan"}}
	for _, n := range pr.Nodes {
		vars := n.Vars
		if vars == nil {
			vars = map[string]string{}
		}
		v.Nodes = append(v.Nodes, api.PlanRunNode{Test: n.Name, Needs: nonNil(n.Needs), Layer: n.Layer, Status: string(n.Status),
			Reason: n.Reason, AgentID: n.AgentID, Summary: n.Agent.Summary, Vars: vars})
	}
	return v
}

// DiscoveryView is d's wire form; full adds the map and the suggestions.
func (a *App) DiscoveryView(d *store.Discovery, full bool) api.Discovery {
	v := api.Discovery{ID: d.ID, ProjectID: d.ProjectID, Status: string(d.Status), Persona: d.Persona, LoginPath: d.LoginPath,
		MaxPages: d.MaxPages, Error: d.Error, Pages: d.Pages, Forms: d.Forms, Suggested: d.SuggestedCount,
		CreatedAt: d.CreatedAt.UTC(), StartedAt: utc(d.StartedAt), FinishedAt: utc(d.FinishedAt),
		Links: api.Links{UI: a.cfg.PublicURL + "/discoveries/" + d.ID.String(), API: a.cfg.PublicURL + "/api/v1/discoveries/" + d.ID.String()}}
	if full {
		v.AppMap, v.SuggestedYAML = d.AppMap, d.SuggestedYAML
	}
	return v
}

// RoleView is a role as the API shows it.
func RoleView(r *Role) api.Role { return api.Role{Name: r.Name, Prompt: r.Prompt, Builtin: r.Builtin} }
