package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// ReasonLost is the error reason of an agent whose job ended without it:
// its worker died on the last attempt, or the job was deleted.
const ReasonLost = "worker_lost"

// ReconcileArgs is the periodic job that ends agents left open by jobs
// that are gone: River discards a job whose worker died on its last
// attempt, and nothing else would tell the agent row.
type ReconcileArgs struct{}

// Kind implements river.JobArgs.
func (ReconcileArgs) Kind() string { return "reconcile_agents" }

// InsertOpts puts the job on the maintenance queue, without retries: the
// next period does the same work.
func (ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, MaxAttempts: 1}
}

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	j *Jobs
}

func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	_, err := w.j.reconcile(ctx)
	return err
}

// reconcile finds agents still queued or running with no unfinished agent
// job, across tenants, and records them as errors through the
// tenant-scoped store. The agent row is written before its job finishes,
// so an open agent whose jobs are all finished was lost, not racing.
func (j *Jobs) reconcile(ctx context.Context) (int, error) {
	rows, err := j.cfg.Pool.Query(ctx, `
		SELECT a.tenant_id, a.id FROM agents a
		WHERE a.status IN ('queued', 'running')
		  -- A plan's node waiting for its needs has no job yet, by design.
		  AND NOT EXISTS (SELECT 1 FROM plan_nodes pn WHERE pn.agent_id = a.id AND pn.status = 'pending')
		  AND NOT EXISTS (
			SELECT 1 FROM river_job rj
			WHERE rj.kind = $1
			  AND rj.args @> jsonb_build_object('tenant_id', a.tenant_id::text, 'agent_id', a.id::text)
			  AND rj.state NOT IN ($2, $3, $4))
		LIMIT 1000`,
		AgentArgs{}.Kind(), rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded)
	if err != nil {
		return 0, fmt.Errorf("find lost agents: %w", err)
	}
	lost, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AgentArgs, error) {
		var a AgentArgs
		return a, r.Scan(&a.TenantID, &a.AgentID)
	})
	if err != nil {
		return 0, fmt.Errorf("find lost agents: %w", err)
	}
	n := 0
	for _, l := range lost {
		a, err := j.cfg.Store.FinishAgent(ctx, l.TenantID, l.AgentID, store.AgentResult{
			Status: store.StatusError, ErrorReason: ReasonLost,
			Summary: "The worker running this agent stopped and no attempt is left; run the test again.",
		})
		if errors.Is(err, store.ErrNotFound) {
			continue // cancelled meanwhile
		}
		if err != nil {
			return n, err
		}
		n++
		r := &attemptRun{j: j, tenant: l.TenantID, agent: a, log: j.cfg.Logger.With("agent", a.ID, "tenant", a.TenantID)}
		skipped := j.advancePlan(ctx, l.TenantID, a.RunID)
		run := r.changed(ctx)
		for i := range skipped {
			j.finished(ctx, &skipped[i], run)
		}
		j.finished(ctx, a, run)
		r.log.Warn("agent lost with its worker; recorded as an error")
	}
	// Plan runs whose advance was lost (a worker died between an agent's
	// end and its plan's advance) move on here.
	stalled, err := j.cfg.Store.StalledPlanRuns(ctx)
	if err != nil {
		return n, err
	}
	for _, sr := range stalled {
		tenant, run := sr[0], sr[1]
		skipped := j.advancePlan(ctx, tenant, run)
		if len(skipped) == 0 {
			continue
		}
		r, err := j.cfg.Store.RefreshRunStatus(ctx, tenant, run)
		if err != nil {
			return n, err
		}
		j.publish(ctx, events.Event{Kind: events.KindRun, Tenant: tenant, Run: run})
		for i := range skipped {
			j.finished(ctx, &skipped[i], r)
		}
	}
	return n, nil
}
