package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
)

// The API's resources, as package api defines them for the server too.
type (
	Project    = api.Project
	TestFile   = api.TestFile
	SyncedTest = api.SyncedTest
	Run        = api.Run
	Agent      = api.Agent
	Step       = api.Step
	Selection  = api.Selection
	// SelectRequest is the change to pick tests for.
	SelectRequest = api.SelectCreate
)

// RunRequest starts a run: tests by id, tag or name (all of the
// project's tests when none is given), and the code version CI ran on.
type RunRequest struct {
	TestIDs   []uuid.UUID
	Tags      []string
	Names     []string
	CommitSHA string
	Branch    string
}

func (r RunRequest) body() api.RunCreate {
	out := api.RunCreate{Tags: r.Tags, Names: r.Names, CommitSHA: r.CommitSHA, Branch: r.Branch}
	for _, id := range r.TestIDs {
		out.TestIDs = append(out.TestIDs, id.String())
	}
	return out
}

// Projects lists the tenant's projects.
func (c *Client) Projects(ctx context.Context) ([]Project, error) {
	var out api.List[Project]
	if err := c.do(ctx, http.MethodGet, "/api/v1/projects", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// SyncTestFiles sends test files to a project: the server parses them with
// the same parser as the CLI and creates or updates tests by name.
func (c *Client) SyncTestFiles(ctx context.Context, project uuid.UUID, files []TestFile) ([]SyncedTest, error) {
	var out api.SyncedTests
	err := c.do(ctx, http.MethodPost, "/api/v1/projects/"+project.String()+"/test-files", nil,
		api.TestFiles{Files: files}, &out)
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
	if err := c.do(ctx, http.MethodPost, "/api/v1/projects/"+project.String()+"/runs", h, req.body(), &run); err != nil {
		return nil, err
	}
	return &run, nil
}

// Select asks which of the project's tests a change touches and, unless
// req.DryRun, starts a run of them (Selection.Run). idempotencyKey works
// as for StartRun.
func (c *Client) Select(ctx context.Context, project uuid.UUID, req SelectRequest, idempotencyKey string) (*Selection, error) {
	h := http.Header{}
	if idempotencyKey != "" {
		h.Set("Idempotency-Key", idempotencyKey)
	}
	var sel Selection
	if err := c.do(ctx, http.MethodPost, "/api/v1/projects/"+project.String()+"/select", h, req, &sel); err != nil {
		return nil, err
	}
	return &sel, nil
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
	var out api.List[Step]
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

// Plan is a project's graph of tests.
type Plan = api.Plan

// Plans lists a project's plans.
func (c *Client) Plans(ctx context.Context, project uuid.UUID) ([]Plan, error) {
	var out api.List[Plan]
	if err := c.do(ctx, http.MethodGet, "/api/v1/projects/"+project.String()+"/plans", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// StartPlanRun starts a run of a plan: its nodes start as their needs
// pass, on the server.
func (c *Client) StartPlanRun(ctx context.Context, plan uuid.UUID, commitSHA, branch string) (*Run, error) {
	var run Run
	if err := c.do(ctx, http.MethodPost, "/api/v1/plans/"+plan.String()+"/runs", nil,
		api.PlanRunCreate{CommitSHA: commitSHA, Branch: branch}, &run); err != nil {
		return nil, err
	}
	return &run, nil
}
