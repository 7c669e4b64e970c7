package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// Enqueue inserts one agent job per agent in tx, the transaction of
// store.CreateRun: the jobs become visible to workers exactly when the run
// and its agents commit, and vanish with them on a rollback.
func (j *Jobs) Enqueue(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error {
	if len(agents) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(agents))
	for i, a := range agents {
		if a.TenantID != run.TenantID || a.RunID != run.ID {
			return fmt.Errorf("enqueue: agent %s does not belong to run %s", a.ID, run.ID)
		}
		params[i] = river.InsertManyParams{Args: AgentArgs{TenantID: a.TenantID, AgentID: a.ID}}
	}
	if _, err := j.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueue %d agents: %w", len(agents), err)
	}
	return nil
}

// CancelAgent cancels one of tenant's agents: it marks the agent cancelled,
// updates its run and cancels its River job. A queued job is cancelled
// before it starts; a running one gets its context cancelled in whichever
// worker holds it, and that worker closes the agent's browser, which
// destroys it within 5 s. Cancelling an agent that has already finished
// changes nothing and is not an error; an agent that is not tenant's gives
// store.ErrNotFound.
func (j *Jobs) CancelAgent(ctx context.Context, tenant, agentID uuid.UUID) error {
	a, err := j.cfg.Store.GetAgent(ctx, tenant, agentID)
	if err != nil {
		return err
	}
	if !a.Status.Final() {
		cancelled, err := j.cfg.Store.CancelAgent(ctx, tenant, agentID, "cancelled")
		switch {
		case errors.Is(err, store.ErrNotFound):
			// It finished in the meantime; its job is done too.
		case err != nil:
			return err
		default:
			a = cancelled
			j.publish(ctx, events.Event{Kind: events.KindAgent, Tenant: tenant, Run: a.RunID, Agent: a.ID})
			// What needs a cancelled node of a plan is skipped.
			skipped := j.advancePlan(ctx, tenant, a.RunID)
			run, err := j.cfg.Store.RefreshRunStatus(ctx, tenant, a.RunID)
			if err != nil {
				return err
			}
			j.publish(ctx, events.Event{Kind: events.KindRun, Tenant: tenant, Run: a.RunID})
			for i := range skipped {
				j.finished(ctx, &skipped[i], run)
			}
			j.finished(ctx, a, run)
		}
	}
	ids, err := j.agentJobIDs(ctx, tenant, a)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := j.client.JobCancel(ctx, id); err != nil && !errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("cancel job %d of agent %s: %w", id, agentID, err)
		}
	}
	return nil
}

// agentJobIDs finds the unfinished River jobs of an agent: the one that
// started it (recorded on the agent) and any not yet started, found by
// their arguments (River indexes args with GIN, so the containment query
// is an index lookup).
func (j *Jobs) agentJobIDs(ctx context.Context, tenant uuid.UUID, a *store.Agent) ([]int64, error) {
	args, err := json.Marshal(AgentArgs{TenantID: tenant, AgentID: a.ID})
	if err != nil {
		return nil, err
	}
	rows, err := j.cfg.Pool.Query(ctx, `SELECT id FROM river_job WHERE kind = $1 AND args @> $2::jsonb
		AND state NOT IN ($3, $4, $5)`, AgentArgs{}.Kind(), string(args),
		rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded)
	if err != nil {
		return nil, fmt.Errorf("find jobs of agent %s: %w", a.ID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("find jobs of agent %s: %w", a.ID, err)
	}
	return ids, nil
}

// publish sends an event; a lost event only delays a live view, which
// re-reads state on the next one, so failures are logged, not returned.
func (j *Jobs) publish(ctx context.Context, ev events.Event) {
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := events.Publish(pctx, j.cfg.Pool, ev); err != nil {
		j.cfg.Logger.Warn("publishing an event", "kind", ev.Kind, "agent", ev.Agent, "error", err)
	}
}
