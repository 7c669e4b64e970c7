package app

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/store"
)

// Health board filters by status.
const (
	// HealthPassed, HealthFailed and HealthError select tests whose latest
	// verdict is that one.
	HealthPassed = "passed"
	HealthFailed = "failed"
	HealthError  = "error"
	// HealthFailing selects tests whose latest verdict is failed or error:
	// the ones "re-run all failing" starts.
	HealthFailing = "failing"
	// HealthNever selects tests that never finished a run.
	HealthNever = "never"
)

// HealthRequest selects the cards of a project's health board.
type HealthRequest struct {
	Project uuid.UUID
	// Tags keeps tests carrying all of them.
	Tags []string
	// Status keeps tests in one state: passed, failed, error, failing or
	// never; empty keeps all.
	Status string
}

func (req *HealthRequest) check() error {
	switch req.Status {
	case "", HealthPassed, HealthFailed, HealthError, HealthFailing, HealthNever:
		return nil
	}
	return invalid("unknown status filter", FieldError{Field: "status", Message: "status must be passed, failed, error, failing or never"})
}

// ProjectHealth returns the health of a project's tests, ordered by name:
// last verdict, the latest 20 as a strip, flakiness (verdict changes among
// them), last pass, median duration and tokens, and whether the next run
// replays or needs the model.
func (a *App) ProjectHealth(ctx context.Context, p *Principal, req HealthRequest) ([]api.TestHealth, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	hs, err := a.store.ProjectHealth(ctx, p.TenantID, req.Project)
	if err != nil {
		return nil, err
	}
	tags := cleanTags(req.Tags)
	out := []api.TestHealth{}
	for i := range hs {
		v := HealthView(&hs[i])
		if healthMatches(&v, tags, req.Status) {
			out = append(out, v)
		}
	}
	return out, nil
}

func healthMatches(v *api.TestHealth, tags []string, status string) bool {
	for _, t := range tags {
		if !slices.Contains(v.Test.Tags, t) {
			return false
		}
	}
	switch status {
	case "":
		return true
	case HealthFailing:
		return v.Status == HealthFailed || v.Status == HealthError
	}
	return v.Status == status
}

// HealthView is h's wire form.
func HealthView(h *store.TestHealth) api.TestHealth {
	v := api.TestHealth{Test: TestView(&h.Test), Status: HealthNever, Recent: []api.Verdict{}, Flakiness: h.Flakiness(),
		LastPassAt: utc(h.LastPass), MedianDurationMS: h.MedianDurationMS(), MedianTokens: h.MedianTokens(), Active: h.Active}
	if last := h.Last(); last != nil {
		v.Status = string(last.Status)
	}
	for _, r := range h.Recent {
		v.Recent = append(v.Recent, api.Verdict{AgentID: r.AgentID, RunID: r.RunID, Status: r.Status, Summary: r.Summary,
			FinishedAt: r.FinishedAt.UTC(), DurationMS: r.DurationMS, Tokens: r.Tokens})
	}
	switch {
	case h.HasReplay:
		v.Mode = "replay"
	case len(h.Test.Steps) > 0:
		v.Mode = "steps"
	default:
		v.Mode = "model"
	}
	return v
}

// RerunFailing starts one run of every test whose latest verdict is failed
// or error, among those carrying all of tags: the board's "re-run all
// failing". With none failing it is bad input (nothing to run).
func (a *App) RerunFailing(ctx context.Context, p *Principal, project uuid.UUID, tags []string, idempotencyKey string) (*StartedRun, error) {
	cards, err := a.ProjectHealth(ctx, p, HealthRequest{Project: project, Tags: tags, Status: HealthFailing})
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return nil, invalid("no failing test to re-run", FieldError{Field: "status", Message: "no test's latest verdict is failed or error"})
	}
	ids := make([]string, len(cards))
	for i := range cards {
		ids[i] = cards[i].Test.ID.String()
	}
	return a.StartRun(ctx, p, RunRequest{Project: project, TestIDs: ids, IdempotencyKey: idempotencyKey})
}
