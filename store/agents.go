package store

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Agent is one execution of one test inside a run.
type Agent struct {
	ID           uuid.UUID
	TenantID     uuid.UUID
	RunID        uuid.UUID
	TestID       *uuid.UUID
	TestName     string
	Status       Status
	Summary      string
	ErrorReason  string
	Model        string
	Iterations   int
	InputTokens  int64
	OutputTokens int64
	Attempt      int
	JobID        *int64
	VideoURL     *string
	// VideoKey is the blob key of the kept recording, if any.
	VideoKey   *string
	CreatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
	DurationMS *int64
}

// Tokens is the agent's total token use as reported by the model provider.
func (a *Agent) Tokens() int64 { return a.InputTokens + a.OutputTokens }

const agentColumns = `id, tenant_id, run_id, test_id, test_name, status, summary, error_reason, model, iterations,
	input_tokens, output_tokens, attempt, job_id, video_url, video_key, created_at, started_at, finished_at, duration_ms`

func scanAgent(r pgx.Row) (Agent, error) {
	var a Agent
	err := r.Scan(&a.ID, &a.TenantID, &a.RunID, &a.TestID, &a.TestName, &a.Status, &a.Summary, &a.ErrorReason, &a.Model,
		&a.Iterations, &a.InputTokens, &a.OutputTokens, &a.Attempt, &a.JobID, &a.VideoURL, &a.VideoKey, &a.CreatedAt, &a.StartedAt,
		&a.FinishedAt, &a.DurationMS)
	return a, err
}

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// GetAgent returns one of tenant's agents.
func (s *Store) GetAgent(ctx context.Context, tenant, id uuid.UUID) (*Agent, error) {
	var a Agent
	// One round trip: this is the read CI pipelines poll. [16]byte
	// encodes as a binary uuid directly; uuid.UUID goes through
	// driver.Valuer and text, a measurable cost on this path.
	err := s.readRowInTenant(ctx, tenant, func(r pgx.Row) (err error) {
		a, err = scanAgent(r)
		return err
	}, `SELECT `+agentColumns+` FROM agents WHERE tenant_id = $1 AND id = $2`, [16]byte(tenant), [16]byte(id))
	if err != nil {
		return nil, wrap("get agent", err)
	}
	return &a, nil
}

// ListAgents lists a run's agents in the order they were queued.
func (s *Store) ListAgents(ctx context.Context, tenant, run uuid.UUID) ([]Agent, error) {
	var out []Agent
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		out, err = listAgents(ctx, tx, tenant, run)
		return err
	})
	return out, wrap("list agents", err)
}

func listAgents(ctx context.Context, tx pgx.Tx, tenant, run uuid.UUID) ([]Agent, error) {
	rows, err := tx.Query(ctx, `SELECT `+agentColumns+` FROM agents WHERE tenant_id = $1 AND run_id = $2 ORDER BY created_at, id`, tenant, run)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, rowsOf(scanAgent))
}

// StartAgent marks an agent running for a new attempt, recording the job
// that runs it and the model it uses. Returns ErrNotFound if the agent is
// already in an end state (for example cancelled while queued).
func (s *Store) StartAgent(ctx context.Context, tenant, id uuid.UUID, attempt int, jobID *int64, model string) (*Agent, error) {
	return oneInTenant(ctx, s, tenant, "start agent", scanAgent, `
			UPDATE agents SET status = 'running', attempt = $3, job_id = $4, model = $5, started_at = now(),
			       finished_at = NULL, duration_ms = NULL, summary = '', error_reason = ''
			WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running', 'error')
			RETURNING `+agentColumns, tenant, id, attempt, jobID, model)
}

// AgentProgress is the running count of an agent's work.
type AgentProgress struct {
	Iterations   int
	InputTokens  int64
	OutputTokens int64
}

// UpdateAgentProgress records iterations and tokens while an agent runs.
func (s *Store) UpdateAgentProgress(ctx context.Context, tenant, id uuid.UUID, p AgentProgress) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE agents SET iterations = $3, input_tokens = $4, output_tokens = $5
			WHERE tenant_id = $1 AND id = $2`, tenant, id, p.Iterations, p.InputTokens, p.OutputTokens)
		return exactlyOne("update agent progress", tag, err)
	})
}

// AgentResult is how an agent ended. Summary and ErrorReason must already
// be redacted.
type AgentResult struct {
	Status      Status
	Summary     string
	ErrorReason string
	AgentProgress
	// VideoURL and VideoKey record a kept recording: where it is served
	// and its blob key. Nil leaves them as they are.
	VideoURL *string
	VideoKey *string
}

// FinishAgent records an agent's end state. It refuses a non-final status,
// and does not overwrite an agent already cancelled.
func (s *Store) FinishAgent(ctx context.Context, tenant, id uuid.UUID, res AgentResult) (*Agent, error) {
	if !res.Status.Final() {
		return nil, invalidf("finish agent", "status", "%q is not an end state", res.Status)
	}
	return oneInTenant(ctx, s, tenant, "finish agent", scanAgent, `
			UPDATE agents SET status = $3, summary = $4, error_reason = $5, iterations = $6,
			       input_tokens = $7, output_tokens = $8, video_url = coalesce($9, video_url), video_key = coalesce($10, video_key),
			       finished_at = now(),
			       duration_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::bigint
			WHERE tenant_id = $1 AND id = $2 AND status <> 'cancelled'
			RETURNING `+agentColumns, tenant, id, res.Status, res.Summary, res.ErrorReason, res.Iterations,
		res.InputTokens, res.OutputTokens, res.VideoURL, res.VideoKey)
}

// CancelAgent marks a queued or running agent cancelled and returns it (with
// the job id to cancel). Cancelling a finished agent returns ErrNotFound.
func (s *Store) CancelAgent(ctx context.Context, tenant, id uuid.UUID, reason string) (*Agent, error) {
	return oneInTenant(ctx, s, tenant, "cancel agent", scanAgent, `
			UPDATE agents SET status = 'cancelled', error_reason = $3, finished_at = now(),
			       duration_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::bigint
			WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
			RETURNING `+agentColumns, tenant, id, reason)
}

// DeleteAgent deletes an agent and its steps.
func (s *Store) DeleteAgent(ctx context.Context, tenant, id uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM agents WHERE tenant_id = $1 AND id = $2`, tenant, id)
		return exactlyOne("delete agent", tag, err)
	})
}

// ProjectAgentIDs lists the ids of every agent of a project's runs, for
// deleting their blobs along with the project.
func (s *Store) ProjectAgentIDs(ctx context.Context, tenant, project uuid.UUID) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT a.id FROM agents a
			JOIN runs r ON r.tenant_id = a.tenant_id AND r.id = a.run_id
			WHERE a.tenant_id = $1 AND r.project_id = $2
			ORDER BY a.id`, tenant, project)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		return err
	})
	return ids, wrap("list a project's agents", err)
}
