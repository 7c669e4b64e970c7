package webhook

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/store"
)

// Inserter is what enqueueing needs of a River client; *river.Client[pgx.Tx]
// is one.
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Enqueue schedules args for delivery inside tx, so the job exists exactly
// when the caller's change commits. An event already queued under the same
// webhook-id is not queued again.
func Enqueue(ctx context.Context, tx pgx.Tx, ins Inserter, args DeliverArgs) error {
	if args.Tenant == uuid.Nil || args.Project == uuid.Nil || args.EventID == "" || args.EventType == "" || !json.Valid([]byte(args.Body)) {
		return fmt.Errorf("enqueue webhook: incomplete delivery (tenant, project, event id and type, JSON body)")
	}
	if _, err := ins.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("enqueue webhook %s: %w", args.EventType, err)
	}
	return nil
}

// Publisher turns completions into deliveries. The zero value is not
// usable: set Inserter and PublicURL.
type Publisher struct {
	// Inserter is the River client.
	Inserter Inserter
	// PublicURL is the server's external base URL (ARGUS_PUBLIC_URL),
	// for the links in every event.
	PublicURL string
}

// AgentCompleted queues agent.completed for an agent in an end state,
// inside tx. Projects without a webhook URL get nothing.
func (p *Publisher) AgentCompleted(ctx context.Context, tx pgx.Tx, project *store.Project, run *store.Run, agent *store.Agent) error {
	if project.WebhookURL == "" {
		return nil
	}
	if !agent.Status.Final() {
		return fmt.Errorf("webhook agent.completed: agent %s is %s, not finished", agent.ID, agent.Status)
	}
	return p.enqueue(ctx, tx, project, agent.ID, NewAgentCompleted(p.PublicURL, project, run, agent))
}

// RunCompleted queues run.completed for a run in an end state with its
// agents, inside tx. Projects without a webhook URL get nothing.
func (p *Publisher) RunCompleted(ctx context.Context, tx pgx.Tx, project *store.Project, run *store.Run, agents []store.Agent) error {
	if project.WebhookURL == "" {
		return nil
	}
	if !run.Status.Final() {
		return fmt.Errorf("webhook run.completed: run %s is %s, not finished", run.ID, run.Status)
	}
	return p.enqueue(ctx, tx, project, run.ID, NewRunCompleted(p.PublicURL, project, run, agents))
}

func (p *Publisher) enqueue(ctx context.Context, tx pgx.Tx, project *store.Project, subject uuid.UUID, ev interface{ eventType() string }) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ev.eventType(), err)
	}
	return Enqueue(ctx, tx, p.Inserter, DeliverArgs{
		Tenant:    project.TenantID,
		Project:   project.ID,
		EventID:   eventID(ev.eventType(), subject),
		EventType: ev.eventType(),
		Body:      string(body),
	})
}

func (e Event[D]) eventType() string { return e.Type }

// AgentFinished is the one call a worker makes after it recorded an
// agent's end (store.FinishAgent) and refreshed its run
// (store.RefreshRunStatus): it reads the agent, run and project and queues
// agent.completed, and run.completed too when the run has ended (and
// plan.completed after it for a plan's run). A run's
// run.completed is always queued after the agent.completed of each of its
// agents: when the run has ended, every agent's event is queued first in
// the same transaction (two agents that end together may both find the run
// ended, and the one that sees it first must not send the run's event
// ahead of the other agent's). Calling it twice queues nothing new while
// the first jobs are kept (the webhook-ids are derived from the agent and
// run ids), so a caller may retry it after an error. Projects without a
// webhook URL get nothing.
func (p *Publisher) AgentFinished(ctx context.Context, st *store.Store, tenant, agentID uuid.UUID) error {
	agent, err := st.GetAgent(ctx, tenant, agentID)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	run, err := st.GetRun(ctx, tenant, agent.RunID)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	project, err := st.GetProject(ctx, tenant, run.ProjectID)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	if project.WebhookURL == "" {
		return nil
	}
	var agents []store.Agent
	var nodes []store.PlanNode
	if run.Status.Final() {
		if agents, err = st.ListAgents(ctx, tenant, run.ID); err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
		if nodes, err = st.PlanNodes(ctx, tenant, run.ID); err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
	}
	return pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
		if err := p.AgentCompleted(ctx, tx, project, run, agent); err != nil {
			return err
		}
		if !run.Status.Final() {
			return nil
		}
		for i := range agents {
			if agents[i].ID == agent.ID || !agents[i].Status.Final() {
				continue
			}
			if err := p.AgentCompleted(ctx, tx, project, run, &agents[i]); err != nil {
				return err
			}
		}
		if err := p.RunCompleted(ctx, tx, project, run, agents); err != nil {
			return err
		}
		if len(nodes) == 0 {
			return nil
		}
		// A plan's run: plan.completed follows run.completed.
		return p.enqueue(ctx, tx, project, run.ID, NewPlanCompleted(p.PublicURL, project, run, nodes, agents))
	})
}
