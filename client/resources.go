package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// Project is an application under test.
type Project struct {
	ID      uuid.UUID `json:"id"`
	Name    string    `json:"name"`
	BaseURL string    `json:"base_url"`
}

// TestFile is one test file sent to the server.
type TestFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// SyncedTest says what the server did with one test of the files sent.
type SyncedTest struct {
	ID     uuid.UUID `json:"id"`
	Name   string    `json:"name"`
	Change string    `json:"change"` // created, updated or unchanged
}

// RunRequest starts a run.
type RunRequest struct {
	TestIDs   []uuid.UUID `json:"test_ids,omitempty"`
	Tags      []string    `json:"tags,omitempty"`
	Names     []string    `json:"names,omitempty"`
	CommitSHA string      `json:"commit_sha,omitempty"`
	Branch    string      `json:"branch,omitempty"`
}

// Run is a set of agents started together.
type Run struct {
	ID         uuid.UUID  `json:"id"`
	ProjectID  uuid.UUID  `json:"project_id"`
	Status     string     `json:"status"`
	CommitSHA  string     `json:"commit_sha"`
	Branch     string     `json:"branch"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Agents     []Agent    `json:"agents"`
	Links      struct {
		UI  string `json:"ui"`
		API string `json:"api"`
	} `json:"links"`
}

// Agent is one test's execution in a run.
type Agent struct {
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
}

// Finished reports whether the agent reached an end state.
func (a *Agent) Finished() bool {
	switch a.Status {
	case "passed", "failed", "error", "cancelled":
		return true
	}
	return false
}

// Step is one recorded step of an agent.
type Step struct {
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
	InputTokens   int64          `json:"input_tokens"`
	OutputTokens  int64          `json:"output_tokens"`
	ScreenshotURL string         `json:"screenshot_url"`
	CreatedAt     time.Time      `json:"created_at"`
}

// Projects lists the tenant's projects.
func (c *Client) Projects(ctx context.Context) ([]Project, error) {
	var out struct {
		Items []Project `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/projects", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// SyncTestFiles sends test files to a project: the server parses them with
// the same parser as the CLI and creates or updates tests by name.
func (c *Client) SyncTestFiles(ctx context.Context, project uuid.UUID, files []TestFile) ([]SyncedTest, error) {
	var out struct {
		Tests []SyncedTest `json:"tests"`
	}
	err := c.do(ctx, http.MethodPost, "/api/v1/projects/"+project.String()+"/test-files", nil,
		map[string]any{"files": files}, &out)
	return out.Tests, err
}

// StartRun starts a run. idempotencyKey, when set, makes a retried request
// return the run the first one started.
func (c *Client) StartRun(ctx context.Context, project uuid.UUID, req RunRequest, idempotencyKey string) (*Run, error) {
	h := http.Header{}
	if idempotencyKey != "" {
		h.Set("Idempotency-Key", idempotencyKey)
	}
	var run Run
	if err := c.do(ctx, http.MethodPost, "/api/v1/projects/"+project.String()+"/runs", h, req, &run); err != nil {
		return nil, err
	}
	return &run, nil
}

// Run returns a run with its agents.
func (c *Client) Run(ctx context.Context, id uuid.UUID) (*Run, error) {
	var run Run
	if err := c.do(ctx, http.MethodGet, "/api/v1/runs/"+id.String(), nil, nil, &run); err != nil {
		return nil, err
	}
	return &run, nil
}

// CancelRun cancels every unfinished agent of a run.
func (c *Client) CancelRun(ctx context.Context, id uuid.UUID) error {
	return c.do(ctx, http.MethodPost, "/api/v1/runs/"+id.String()+"/cancel", nil, nil, nil)
}

// Steps returns an agent's recorded steps.
func (c *Client) Steps(ctx context.Context, agent uuid.UUID) ([]Step, error) {
	var out struct {
		Items []Step `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/agents/"+agent.String()+"/steps", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// ResolveURL makes a server-relative link (like a screenshot URL)
// absolute.
func (c *Client) ResolveURL(ref string) string {
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return c.base.ResolveReference(r).String()
}

func (p Project) String() string { return fmt.Sprintf("%s (%s)", p.Name, p.ID) }
