package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// Limits of a run request.
const (
	// MaxRunTests bounds the agents one request may queue.
	MaxRunTests = 1000
	// MaxIdempotencyKey is the longest idempotency key accepted.
	MaxIdempotencyKey = 255
)

// RunRequest starts a run of some of a project's tests: by id, name or
// tag (any of them), or every test matching Search and all Tags, or all
// of the project's tests when nothing is given.
type RunRequest struct {
	Project uuid.UUID
	TestIDs []string
	Names   []string
	Tags    []string
	Search  string
	// CommitSHA and Branch record the code version CI ran against.
	CommitSHA, Branch string
	// IdempotencyKey makes a retried request return the run the first one
	// started (the Idempotency-Key header, or a nonce of the UI's form).
	// A person's keys are scoped to them, so two people's never meet.
	IdempotencyKey string
	// Selection, when a change picked the tests (Select), is recorded on
	// the run.
	Selection *store.RunSelection
}

// StartedRun is a run with its agents. Existing is set when the request
// repeated an earlier one's idempotency key: nothing new was queued.
type StartedRun struct {
	Run      *store.Run
	Agents   []store.Agent
	Existing bool
}

// StartRun checks the request, resolves its tests and creates the run
// with one queued agent per test, each scheduled as a job in the same
// transaction. A project whose base URL the target policy refuses gets no
// run.
func (a *App) StartRun(ctx context.Context, p *Principal, req RunRequest) (*StartedRun, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	proj, err := a.store.GetProject(ctx, p.TenantID, req.Project)
	if err != nil {
		return nil, err
	}
	if err := a.CheckRunTarget(ctx, proj); err != nil {
		return nil, err
	}
	tests, err := a.resolveTests(ctx, p, &req)
	if err != nil {
		return nil, err
	}
	in := store.RunInput{ProjectID: proj.ID, Trigger: store.TriggerAPI, CommitSHA: req.CommitSHA, Branch: req.Branch, TestIDs: tests, Selection: req.Selection}
	switch {
	case p.UserID != nil:
		in.Trigger, in.CreatedByUser = store.TriggerUI, p.UserID
	case req.CommitSHA != "" || req.Branch != "":
		in.Trigger, in.CreatedByKey = store.TriggerCI, p.KeyID
	default:
		in.CreatedByKey = p.KeyID
	}
	if req.IdempotencyKey != "" {
		in.IdempotencyKey = req.IdempotencyKey
		if p.UserID != nil {
			in.IdempotencyKey = "user:" + p.UserID.String() + ":" + req.IdempotencyKey
		}
		in.RequestHash = requestHash(proj.ID, tests, req.CommitSHA, req.Branch)
	}
	run, agents, existing, err := a.store.CreateRun(ctx, p.TenantID, in, a.cfg.Scheduler.Enqueue)
	if err != nil {
		return nil, err
	}
	if existing {
		if agents, err = a.store.ListAgents(ctx, p.TenantID, run.ID); err != nil {
			return nil, err
		}
	}
	return &StartedRun{Run: run, Agents: agents, Existing: existing}, nil
}

func (req *RunRequest) check() error {
	var fields []FieldError
	idem := req.IdempotencyKey
	if len(idem) > MaxIdempotencyKey || strings.IndexFunc(idem, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
		fields = append(fields, FieldError{"Idempotency-Key", fmt.Sprintf("at most %d printable ASCII characters", MaxIdempotencyKey)})
	}
	if len(req.TestIDs)+len(req.Tags)+len(req.Names) > MaxRunTests {
		fields = append(fields, FieldError{"test_ids", fmt.Sprintf("at most %d ids, tags and names together", MaxRunTests)})
	}
	for i, s := range req.TestIDs {
		if _, err := uuid.Parse(s); err != nil {
			fields = append(fields, FieldError{fmt.Sprintf("test_ids[%d]", i), "not an id"})
		}
	}
	for i, t := range req.Tags {
		if strings.TrimSpace(t) == "" {
			fields = append(fields, FieldError{fmt.Sprintf("tags[%d]", i), "must not be empty"})
		}
	}
	if len(req.CommitSHA) > 64 {
		fields = append(fields, FieldError{"commit_sha", "at most 64 characters"})
	}
	if len(req.Branch) > 255 {
		fields = append(fields, FieldError{"branch", "at most 255 characters"})
	}
	if len(fields) > 0 {
		return invalid("cannot start this run", fields...)
	}
	return nil
}

// resolveTests turns the request's selection into test ids, oldest test
// first (the order they were written).
func (a *App) resolveTests(ctx context.Context, p *Principal, req *RunRequest) ([]uuid.UUID, error) {
	f := store.TestFilter{ProjectID: &req.Project}
	search := strings.TrimSpace(req.Search)
	if search != "" {
		f.Search, f.Tags = search, cleanTags(req.Tags)
	}
	var all []*store.Test
	for t, err := range a.store.AllTests(ctx, p.TenantID, f) {
		if err != nil {
			return nil, err
		}
		all = append(all, t)
	}
	chosen := map[uuid.UUID]bool{}
	var fields []FieldError
	if search != "" {
		for _, t := range all {
			chosen[t.ID] = true
		}
	} else {
		for i, raw := range req.TestIDs {
			id := uuid.MustParse(raw) // checked by check
			if !slices.ContainsFunc(all, func(t *store.Test) bool { return t.ID == id }) {
				fields = append(fields, FieldError{fmt.Sprintf("test_ids[%d]", i), "no such test in this project"})
				continue
			}
			chosen[id] = true
		}
		for i, n := range req.Names {
			j := slices.IndexFunc(all, func(t *store.Test) bool { return t.Name == n })
			if j < 0 {
				fields = append(fields, FieldError{fmt.Sprintf("names[%d]", i), "no test of this name in this project"})
				continue
			}
			chosen[all[j].ID] = true
		}
		for _, tag := range cleanTags(req.Tags) {
			for _, t := range all {
				if slices.Contains(t.Tags, tag) {
					chosen[t.ID] = true
				}
			}
		}
		if len(fields) > 0 {
			return nil, invalid("some tests do not exist", fields...)
		}
		if len(req.TestIDs)+len(req.Names)+len(req.Tags) == 0 {
			for _, t := range all {
				chosen[t.ID] = true
			}
		}
	}
	if len(chosen) == 0 {
		return nil, invalid("no test matches; nothing to run", FieldError{"tags", "no test of this project matches"})
	}
	if len(chosen) > MaxRunTests {
		return nil, invalid(fmt.Sprintf("%d tests match, more than %d; narrow the selection", len(chosen), MaxRunTests))
	}
	out := make([]uuid.UUID, 0, len(chosen))
	for i := len(all) - 1; i >= 0; i-- { // the store lists newest first
		if chosen[all[i].ID] {
			out = append(out, all[i].ID)
		}
	}
	return out, nil
}

// requestHash identifies what a run request asks for, for its
// idempotency key: the same key with another selection is a conflict.
func requestHash(project uuid.UUID, tests []uuid.UUID, commit, branch string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", project, commit, branch)
	for _, t := range tests {
		fmt.Fprintf(h, "\x00%s", t)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// RerunAgent starts a new run of an agent's test (its current version).
func (a *App) RerunAgent(ctx context.Context, p *Principal, agent uuid.UUID, idempotencyKey string) (*StartedRun, error) {
	ag, err := a.store.GetAgent(ctx, p.TenantID, agent)
	if err != nil {
		return nil, err
	}
	if ag.TestID == nil {
		return nil, conflictErr("the test of this agent has been deleted, so it cannot run again")
	}
	run, err := a.store.GetRun(ctx, p.TenantID, ag.RunID)
	if err != nil {
		return nil, err
	}
	return a.StartRun(ctx, p, RunRequest{Project: run.ProjectID, TestIDs: []string{ag.TestID.String()}, IdempotencyKey: idempotencyKey})
}

// ListRuns lists a project's runs, newest first, one page at a time.
func (a *App) ListRuns(ctx context.Context, p *Principal, project uuid.UUID, page PageRequest) ([]store.Run, *store.Cursor, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, nil, err
	}
	after, limit, err := page.parse()
	if err != nil {
		return nil, nil, err
	}
	return a.store.ListRuns(ctx, p.TenantID, store.RunFilter{ProjectID: &project, After: after, Limit: limit})
}

// RunDetail is a run with its agents and project.
type RunDetail struct {
	Run     *store.Run
	Agents  []store.Agent
	Project *store.Project
}

// GetRun returns a run with its agents and project.
func (a *App) GetRun(ctx context.Context, p *Principal, id uuid.UUID) (*RunDetail, error) {
	run, err := a.store.GetRun(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	agents, err := a.store.ListAgents(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	proj, err := a.store.GetProject(ctx, p.TenantID, run.ProjectID)
	if err != nil {
		return nil, err
	}
	return &RunDetail{Run: run, Agents: agents, Project: proj}, nil
}

// RunFinished is the one rule for "this run is over": it has agents and
// every one of them reached an end state. (The run's own status is
// refreshed a moment after its last agent's, so it is not the signal.)
func RunFinished(agents []store.Agent) bool {
	if len(agents) == 0 {
		return false
	}
	for i := range agents {
		if !agents[i].Status.Final() {
			return false
		}
	}
	return true
}

// CancelRun cancels every agent of a run that has not finished.
func (a *App) CancelRun(ctx context.Context, p *Principal, id uuid.UUID) (*RunDetail, error) {
	if _, err := a.store.GetRun(ctx, p.TenantID, id); err != nil {
		return nil, err
	}
	agents, err := a.store.ListAgents(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	for i := range agents {
		if _, err := a.cancel(ctx, p.TenantID, &agents[i]); err != nil {
			return nil, err
		}
	}
	return a.GetRun(ctx, p, id)
}

// ErrAgentFinished refuses to cancel an agent that already ended.
var ErrAgentFinished = conflictErr("the agent has already finished")

// CancelAgent cancels a queued or running agent: its job is cancelled and
// a running agent's browser is gone within seconds.
func (a *App) CancelAgent(ctx context.Context, p *Principal, id uuid.UUID) (*store.Agent, error) {
	ag, err := a.store.GetAgent(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	finished, err := a.cancel(ctx, p.TenantID, ag)
	if err != nil {
		return nil, err
	}
	if finished {
		return nil, ErrAgentFinished
	}
	return a.store.GetAgent(ctx, p.TenantID, id)
}

// cancelReason is recorded on agents cancelled by a person or a client.
const cancelReason = "cancelled by request"

// cancel ends a queued or running agent; an agent already finished is
// left as it is (finished=true).
func (a *App) cancel(ctx context.Context, tenant uuid.UUID, ag *store.Agent) (finished bool, err error) {
	if ag.Status.Final() {
		return true, nil
	}
	// The scheduler first: package jobs marks the row cancelled before it
	// cancels the job, and tells the integrations (webhooks, analytics)
	// that the agent ended — which it does only for an agent it still
	// finds open, so the row must not be cancelled before it looks.
	if err := a.cfg.Scheduler.CancelAgent(ctx, tenant, ag.ID); err != nil {
		return false, fmt.Errorf("cancel agent job: %w", err)
	}
	// The row, for a scheduler that only cancels jobs.
	if _, err := a.store.CancelAgent(ctx, tenant, ag.ID, cancelReason); err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		now, err := a.store.GetAgent(ctx, tenant, ag.ID)
		if err != nil {
			return false, err
		}
		if now.Status != store.StatusCancelled {
			return true, nil // finished meanwhile
		}
	}
	if _, err := a.store.RefreshRunStatus(ctx, tenant, ag.RunID); err != nil {
		return false, err
	}
	a.publishAgent(ctx, tenant, ag)
	return false, nil
}

// AgentDetail is an agent with its steps, run and project.
type AgentDetail struct {
	Agent   *store.Agent
	Steps   []store.Step
	Run     *store.Run
	Project *store.Project
	// Role is the prompt role the agent worked in, as its start step
	// recorded it (the test may have changed since); "" for none.
	Role string
}

// GetAgent returns one agent.
func (a *App) GetAgent(ctx context.Context, p *Principal, id uuid.UUID) (*store.Agent, error) {
	return a.store.GetAgent(ctx, p.TenantID, id)
}

// AgentDetail returns an agent with everything its page shows.
func (a *App) AgentDetail(ctx context.Context, p *Principal, id uuid.UUID) (*AgentDetail, error) {
	ag, err := a.store.GetAgent(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	d := &AgentDetail{Agent: ag}
	if d.Run, err = a.store.GetRun(ctx, p.TenantID, ag.RunID); err != nil {
		return nil, err
	}
	if d.Project, err = a.store.GetProject(ctx, p.TenantID, d.Run.ProjectID); err != nil {
		return nil, err
	}
	if d.Steps, err = a.store.ListSteps(ctx, p.TenantID, ag.ID); err != nil {
		return nil, err
	}
	for _, st := range d.Steps {
		if st.Index == 0 && st.Attempt == ag.Attempt {
			d.Role, _ = st.Args["role"].(string)
		}
	}
	return d, nil
}

// ListSteps lists an agent's steps by attempt and index.
func (a *App) ListSteps(ctx context.Context, p *Principal, agent uuid.UUID) ([]store.Step, error) {
	if _, err := a.store.GetAgent(ctx, p.TenantID, agent); err != nil {
		return nil, err
	}
	return a.store.ListSteps(ctx, p.TenantID, agent)
}

// Screenshot is a step's screenshot; the caller closes Body.
type Screenshot struct {
	Body        io.ReadCloser
	ContentType string
}

var errNoScreenshot = notFound("no screenshot for this step")

// Screenshot opens a step's screenshot from blob storage. The step is
// found through the tenant-scoped store and its key must lie under the
// tenant's prefix before a byte is read. attempt 0 means the latest
// attempt that has the step.
func (a *App) Screenshot(ctx context.Context, p *Principal, agent uuid.UUID, attempt, index int) (*Screenshot, error) {
	if attempt < 0 || index < 0 {
		return nil, errNoScreenshot
	}
	steps, err := a.ListSteps(ctx, p, agent)
	if err != nil {
		return nil, err
	}
	key := ""
	for _, st := range steps {
		if st.Index == index && (attempt == 0 || st.Attempt == attempt) && st.ScreenshotKey != "" {
			key = st.ScreenshotKey // steps come by attempt, so the last match is the latest
		}
	}
	if key == "" || !strings.HasPrefix(key, storage.TenantPrefix(p.TenantID.String())) || storage.CheckKey(key) != nil {
		return nil, errNoScreenshot
	}
	blob, err := a.cfg.Blobs.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNoScreenshot
	}
	if err != nil {
		return nil, err
	}
	return &Screenshot{Body: blob, ContentType: blobType(key)}, nil
}

// blobType is the media type of a screenshot by its key's extension.
func blobType(key string) string {
	switch {
	case strings.HasSuffix(key, ".png"):
		return "image/png"
	case strings.HasSuffix(key, ".jpg"), strings.HasSuffix(key, ".jpeg"):
		return "image/jpeg"
	case strings.HasSuffix(key, ".webp"):
		return "image/webp"
	}
	return "application/octet-stream"
}
