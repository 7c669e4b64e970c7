package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// recorder writes an agent's steps as they happen: the screenshot to blob
// storage, the step row, the agent's progress, and an event for the live
// views. It also ends the agent when its row was cancelled meanwhile.
type recorder struct {
	run    *attemptRun
	cancel context.CancelCauseFunc

	steps                int
	inputTokens, outputs int64
}

func (rec *recorder) RecordStep(ctx context.Context, st agent.Step) error {
	r := rec.run
	tenant, agentID := r.tenant, r.agent.ID
	var key string
	if len(st.Screenshot) > 0 {
		key = storage.ScreenshotKey(tenant.String(), agentID.String(), r.attempt, st.Index)
		if err := r.j.cfg.Blobs.Put(ctx, key, st.Screenshot, "image/png"); err != nil {
			return fmt.Errorf("store the screenshot of step %d: %w", st.Index, err)
		}
	}
	row := store.Step{
		AgentID: agentID, Attempt: r.attempt, Index: st.Index,
		Thought: st.Thought, Action: st.Action, Args: st.Args, Outcome: st.Outcome, URL: st.URL,
		ObserveMS: st.ObserveMS, ModelMS: st.ModelMS, ActMS: st.ActMS,
		InputTokens: int(st.InputTokens), OutputTokens: int(st.OutputTokens), ScreenshotKey: key, Failed: st.Failed,
	}
	err := retryUnavailable(ctx, r.log, "store a step", func(repeat bool) error {
		_, err := r.j.cfg.Store.AppendStep(ctx, tenant, row)
		if repeat && errors.Is(err, store.ErrConflict) {
			// The cut try was committed: (agent, attempt, index) is the
			// step's key, and this attempt writes each index once.
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store step %d: %w", st.Index, err)
	}
	r.j.cfg.Observer.StepRecorded(time.Duration(st.ObserveMS+st.ModelMS+st.ActMS)*time.Millisecond, st.InputTokens, st.OutputTokens)
	rec.steps++
	rec.inputTokens += st.InputTokens
	rec.outputs += st.OutputTokens
	r.j.publish(ctx, events.Event{Kind: events.KindStep, Tenant: tenant, Run: r.agent.RunID, Agent: agentID, Index: st.Index})

	progress := store.AgentProgress{Iterations: rec.steps, InputTokens: rec.inputTokens, OutputTokens: rec.outputs}
	if err := retryUnavailable(ctx, r.log, "store the agent's progress", func(bool) error {
		return r.j.cfg.Store.UpdateAgentProgress(ctx, tenant, agentID, progress)
	}); err != nil {
		return fmt.Errorf("store the agent's progress: %w", err)
	}
	r.j.publish(ctx, events.Event{Kind: events.KindAgent, Tenant: tenant, Run: r.agent.RunID, Agent: agentID})

	// A cancellation that reached only the row (its River job could not be
	// cancelled) still ends the agent, at the latest here.
	a, err := r.j.cfg.Store.GetAgent(ctx, tenant, agentID)
	if err == nil && a.Status == store.StatusCancelled {
		rec.cancel(errRowCancelled)
	}
	return nil
}
