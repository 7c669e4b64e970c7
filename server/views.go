package server

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// The JSON shapes of the API (api.md is the contract). Times are RFC 3339
// UTC; optional values are null rather than absent, so clients see every
// field.

type userView struct {
	ID          uuid.UUID  `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

func viewUser(u *store.User) *userView {
	if u == nil {
		return nil
	}
	return &userView{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt.UTC(), LastLoginAt: utcPtr(u.LastLoginAt)}
}

type tenantView struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"created_at"`
}

func viewTenant(t *store.Tenant) tenantView {
	return tenantView{ID: t.ID, Name: t.Name, Slug: t.Slug, CreatedAt: t.CreatedAt.UTC()}
}

type projectView struct {
	ID             uuid.UUID `json:"id"`
	Name           string    `json:"name"`
	BaseURL        string    `json:"base_url"`
	AllowedOrigins []string  `json:"allowed_origins"`
	WebhookURL     string    `json:"webhook_url"`
	DefaultModel   string    `json:"default_model"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func viewProject(p *store.Project) projectView {
	return projectView{ID: p.ID, Name: p.Name, BaseURL: p.BaseURL, AllowedOrigins: nonNil(p.AllowedOrigins),
		WebhookURL: p.WebhookURL, DefaultModel: p.DefaultModel, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

type testView struct {
	ID             uuid.UUID `json:"id"`
	ProjectID      uuid.UUID `json:"project_id"`
	Name           string    `json:"name"`
	URL            string    `json:"url"`
	Goal           string    `json:"goal"`
	Steps          []string  `json:"steps"`
	Checkpoints    []string  `json:"checkpoints"`
	Tags           []string  `json:"tags"`
	TimeoutSeconds int       `json:"timeout_seconds"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func viewTest(t *store.Test) testView {
	return testView{ID: t.ID, ProjectID: t.ProjectID, Name: t.Name, URL: t.StartURL, Goal: t.Goal,
		Steps: nonNil(t.Steps), Checkpoints: nonNil(t.Checkpoints), Tags: nonNil(t.Tags),
		TimeoutSeconds: int(t.Timeout / time.Second), CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC()}
}

type linksView struct {
	UI  string `json:"ui"`
	API string `json:"api"`
}

type runView struct {
	ID         uuid.UUID   `json:"id"`
	ProjectID  uuid.UUID   `json:"project_id"`
	Status     string      `json:"status"`
	Trigger    string      `json:"trigger"`
	CommitSHA  string      `json:"commit_sha"`
	Branch     string      `json:"branch"`
	CreatedAt  time.Time   `json:"created_at"`
	StartedAt  *time.Time  `json:"started_at"`
	FinishedAt *time.Time  `json:"finished_at"`
	Agents     []agentView `json:"agents"`
	Links      linksView   `json:"links"`
}

func (s *Server) viewRun(r *store.Run, agents []store.Agent) runView {
	v := runView{ID: r.ID, ProjectID: r.ProjectID, Status: string(r.Status), Trigger: string(r.Trigger),
		CommitSHA: r.CommitSHA, Branch: r.Branch, CreatedAt: r.CreatedAt.UTC(), StartedAt: utcPtr(r.StartedAt),
		FinishedAt: utcPtr(r.FinishedAt), Agents: []agentView{},
		Links: linksView{UI: s.cfg.PublicURL + "/runs/" + r.ID.String(), API: s.cfg.PublicURL + "/api/v1/runs/" + r.ID.String()}}
	for i := range agents {
		v.Agents = append(v.Agents, viewAgent(&agents[i]))
	}
	return v
}

type agentView struct {
	ID           uuid.UUID  `json:"id"`
	RunID        uuid.UUID  `json:"run_id"`
	TestID       *uuid.UUID `json:"test_id"`
	TestName     string     `json:"test_name"`
	Status       string     `json:"status"`
	Summary      string     `json:"summary"`
	ErrorReason  string     `json:"error_reason"`
	Model        string     `json:"model"`
	Iterations   int        `json:"iterations"`
	InputTokens  int64      `json:"input_tokens"`
	OutputTokens int64      `json:"output_tokens"`
	Attempt      int        `json:"attempt"`
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    *time.Time `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at"`
	DurationMS   *int64     `json:"duration_ms"`
	VideoURL     *string    `json:"video_url"`
}

func viewAgent(a *store.Agent) agentView {
	return agentView{ID: a.ID, RunID: a.RunID, TestID: a.TestID, TestName: a.TestName, Status: string(a.Status),
		Summary: a.Summary, ErrorReason: a.ErrorReason, Model: a.Model, Iterations: a.Iterations,
		InputTokens: a.InputTokens, OutputTokens: a.OutputTokens, Attempt: a.Attempt, CreatedAt: a.CreatedAt.UTC(),
		StartedAt: utcPtr(a.StartedAt), FinishedAt: utcPtr(a.FinishedAt), DurationMS: a.DurationMS, VideoURL: a.VideoURL}
}

type stepView struct {
	AgentID       uuid.UUID      `json:"agent_id"`
	Index         int            `json:"index"`
	Attempt       int            `json:"attempt"`
	Thought       string         `json:"thought"`
	Action        string         `json:"action"`
	Args          map[string]any `json:"args"`
	Outcome       string         `json:"outcome"`
	URL           string         `json:"url"`
	ObserveMS     int            `json:"observe_ms"`
	ModelMS       int            `json:"model_ms"`
	ActMS         int            `json:"act_ms"`
	InputTokens   int            `json:"input_tokens"`
	OutputTokens  int            `json:"output_tokens"`
	ScreenshotURL *string        `json:"screenshot_url"`
	CreatedAt     time.Time      `json:"created_at"`
}

func (s *Server) viewStep(st *store.Step) stepView {
	v := stepView{AgentID: st.AgentID, Index: st.Index, Attempt: st.Attempt, Thought: st.Thought, Action: st.Action,
		Args: st.Args, Outcome: st.Outcome, URL: st.URL, ObserveMS: st.ObserveMS, ModelMS: st.ModelMS, ActMS: st.ActMS,
		InputTokens: st.InputTokens, OutputTokens: st.OutputTokens, CreatedAt: st.CreatedAt.UTC()}
	if v.Args == nil {
		v.Args = map[string]any{}
	}
	if st.ScreenshotKey != "" {
		u := fmt.Sprintf("%s/api/v1/agents/%s/steps/%d/screenshot?attempt=%d", s.cfg.PublicURL, st.AgentID, st.Index, st.Attempt)
		v.ScreenshotURL = &u
	}
	return v
}

type apiKeyView struct {
	ID         uuid.UUID  `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	Key        string     `json:"key,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func viewAPIKey(k *store.APIKey) apiKeyView {
	return apiKeyView{ID: k.ID, Name: k.Name, Prefix: k.DisplayPrefix, Role: string(k.Role), Key: k.Plaintext,
		CreatedAt: k.CreatedAt.UTC(), ExpiresAt: utcPtr(k.ExpiresAt), LastUsedAt: utcPtr(k.LastUsedAt), RevokedAt: utcPtr(k.RevokedAt)}
}

type memberView struct {
	UserID    uuid.UUID `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

func viewMember(m *store.Member) memberView {
	return memberView{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: string(m.Role), CreatedAt: m.CreatedAt.UTC()}
}

type secretView struct {
	Name      string    `json:"name"`
	UpdatedAt time.Time `json:"updated_at"`
}

type listView[T any] struct {
	Items []T `json:"items"`
}

func list[T any](items []T) listView[T] {
	return listView[T]{Items: nonNil(items)}
}

// pageView is one page of a long list; next_cursor is null on the last.
type pageView[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func page[T any](items []T, next *store.Cursor) pageView[T] {
	v := pageView[T]{Items: nonNil(items)}
	if next != nil {
		c := next.String()
		v.NextCursor = &c
	}
	return v
}

func utcPtr(t *time.Time) *time.Time {
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
