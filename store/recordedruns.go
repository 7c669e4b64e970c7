package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TriggerLocal marks a run that happened in another process (`argus demo
// --serve` records its in-process run) and was recorded here afterwards:
// no job ever ran it.
const TriggerLocal Trigger = "local"

// RecordedRun is a run that already happened elsewhere, with its agents
// and their steps, to be stored as it was.
type RecordedRun struct {
	ProjectID     uuid.UUID
	CreatedByUser *uuid.UUID
	Agents        []RecordedAgent
}

// RecordedAgent is one finished agent of a RecordedRun. ID is chosen by
// the caller, who stores the steps' screenshots under it before the rows
// exist. Summary, ErrorReason and every step's text must already be
// redacted.
type RecordedAgent struct {
	ID uuid.UUID
	// TestName names the project's test the agent ran.
	TestName    string
	Status      Status
	Summary     string
	ErrorReason string
	Model       string
	AgentProgress
	StartedAt, FinishedAt time.Time
	Steps                 []Step
}

// RecordRun stores a finished run, its agents (attempt 1) and their steps
// in one transaction, with the times they had, and returns the run with
// its status computed from the agents as for any run. Every test must be
// one of the project's; every agent must be in an end state.
func (s *Store) RecordRun(ctx context.Context, tenant uuid.UUID, in RecordedRun) (*Run, error) {
	if len(in.Agents) == 0 {
		return nil, invalidf("record run", "agents", "no agents to record")
	}
	var started, finished time.Time
	for i, a := range in.Agents {
		if !a.Status.Final() {
			return nil, invalidf("record run", "status", "%q is not an end state", a.Status)
		}
		if a.ID == uuid.Nil || a.FinishedAt.Before(a.StartedAt) {
			return nil, invalidf("record run", "agents", "agent %d needs an id and must finish after it started", i)
		}
		if started.IsZero() || a.StartedAt.Before(started) {
			started = a.StartedAt
		}
		if a.FinishedAt.After(finished) {
			finished = a.FinishedAt
		}
	}
	var run Run
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		run, err = scanRun(tx.QueryRow(ctx, `
			INSERT INTO runs (id, tenant_id, project_id, status, trigger, created_by_user, created_at, started_at, finished_at)
			SELECT $1, $2, p.id, 'passed', $4, $5, $6, $6, $7 FROM projects p WHERE p.tenant_id = $2 AND p.id = $3
			RETURNING `+runColumns, newID(), tenant, in.ProjectID, TriggerLocal, in.CreatedByUser, started, finished))
		if err != nil {
			return err
		}
		for _, a := range in.Agents {
			tag, err := tx.Exec(ctx, `
				INSERT INTO agents (id, tenant_id, run_id, test_id, test_name, status, summary, error_reason, model,
				                    iterations, input_tokens, output_tokens, attempt, created_at, started_at, finished_at, duration_ms)
				SELECT $1, $2, $3, t.id, t.name, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13, $14, $15
				FROM tests t WHERE t.tenant_id = $2 AND t.name = $4 AND t.project_id = $5`,
				a.ID, tenant, run.ID, a.TestName, in.ProjectID, a.Status, a.Summary, a.ErrorReason, a.Model,
				a.Iterations, a.InputTokens, a.OutputTokens, a.StartedAt, a.FinishedAt, a.FinishedAt.Sub(a.StartedAt).Milliseconds())
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("test %q: %w in this project", a.TestName, ErrNotFound)
			}
			for _, st := range a.Steps {
				if st.Args == nil {
					st.Args = map[string]any{}
				}
				if _, err := tx.Exec(ctx, `
					INSERT INTO steps (tenant_id, agent_id, attempt, idx, thought, action, args, outcome, url,
					                   observe_ms, model_ms, act_ms, input_tokens, output_tokens, screenshot_key, failed, created_at)
					VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, coalesce($16, now()))`,
					tenant, a.ID, st.Index, st.Thought, st.Action, st.Args, st.Outcome, st.URL,
					st.ObserveMS, st.ModelMS, st.ActMS, st.InputTokens, st.OutputTokens, st.ScreenshotKey, st.Failed, nilTime(st.CreatedAt)); err != nil {
					return err
				}
			}
		}
		run, err = refreshRunStatus(ctx, tx, tenant, run.ID)
		return err
	})
	if err != nil {
		return nil, wrap("record run", err)
	}
	return &run, nil
}

func nilTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
