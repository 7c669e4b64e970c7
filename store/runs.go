package store

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/api"
)

// Status is the state of an agent, and the aggregate state of a run:
// queued → running → passed | failed | error | cancelled. It is the API's
// type, so the end-state rule (Status.Final) exists once.
//
// failed means the application under test did not do what the test says;
// error means Argus could not find out (browser would not start, model
// unreachable, a limit hit). The difference matters to users everywhere.
type Status = api.Status

// Statuses.
const (
	StatusQueued    = api.StatusQueued
	StatusRunning   = api.StatusRunning
	StatusPassed    = api.StatusPassed
	StatusFailed    = api.StatusFailed
	StatusError     = api.StatusError
	StatusCancelled = api.StatusCancelled
)

// Trigger says what started a run.
type Trigger string

// Triggers.
const (
	TriggerUI       Trigger = "ui"
	TriggerAPI      Trigger = "api"
	TriggerCI       Trigger = "ci"
	TriggerSchedule Trigger = "schedule"
)

// Run is one trigger of one or more tests.
type Run struct {
	ID             uuid.UUID
	TenantID       uuid.UUID
	ProjectID      uuid.UUID
	Status         Status
	Trigger        Trigger
	CommitSHA      string
	Branch         string
	CreatedByUser  *uuid.UUID
	CreatedByKey   *uuid.UUID
	IdempotencyKey *string
	CreatedAt      time.Time
	StartedAt      *time.Time
	FinishedAt     *time.Time
	// Selection is how a change picked the tests; nil when none did.
	Selection *RunSelection
}

// RunSelection is the choice of tests recorded on a run a change started:
// the API's wire type, stored as it is shown.
type RunSelection = api.RunSelection

// RunInput describes a run to start.
type RunInput struct {
	ProjectID     uuid.UUID
	Trigger       Trigger
	CommitSHA     string
	Branch        string
	CreatedByUser *uuid.UUID
	CreatedByKey  *uuid.UUID
	// TestIDs are the tests to run; one agent is queued per test.
	TestIDs []uuid.UUID
	// IdempotencyKey, when set, makes a retried request return the run
	// the first request created. RequestHash identifies the first
	// request's content; a reuse of the key with other content is refused.
	IdempotencyKey string
	RequestHash    string
	// Selection, when set, is recorded on the run.
	Selection *RunSelection
}

var commitPattern = regexp.MustCompile(`^[0-9a-f]{0,64}$`)

const runColumns = `id, tenant_id, project_id, status, trigger, commit_sha, branch, created_by_user, created_by_key,
	idempotency_key, created_at, started_at, finished_at, selection`

func scanRun(r pgx.Row) (Run, error) {
	var x Run
	err := r.Scan(&x.ID, &x.TenantID, &x.ProjectID, &x.Status, &x.Trigger, &x.CommitSHA, &x.Branch, &x.CreatedByUser,
		&x.CreatedByKey, &x.IdempotencyKey, &x.CreatedAt, &x.StartedAt, &x.FinishedAt, &x.Selection)
	return x, err
}

// CreateRun starts a run: it inserts the run and one queued agent per test
// in one transaction, then calls enqueue (if not nil) inside the same
// transaction so jobs are scheduled exactly when the rows exist. With an
// idempotency key already used by an identical request, it returns that
// run and existing=true without enqueueing anything.
func (s *Store) CreateRun(ctx context.Context, tenant uuid.UUID, in RunInput,
	enqueue func(ctx context.Context, tx pgx.Tx, run *Run, agents []Agent) error,
) (run *Run, agents []Agent, existing bool, err error) {
	if in.Trigger == "" {
		in.Trigger = TriggerAPI
	}
	if !commitPattern.MatchString(in.CommitSHA) {
		return nil, nil, false, invalidf("create run", "commit_sha", "commit must be a lower-case hex SHA")
	}
	if len(in.TestIDs) == 0 {
		return nil, nil, false, invalidf("create run", "test_ids", "no tests selected")
	}
	var idem *string
	if in.IdempotencyKey != "" {
		idem = &in.IdempotencyKey
	}
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		if idem != nil {
			var prevHash *string
			r, err := scanRunWithHash(tx.QueryRow(ctx, `SELECT `+runColumns+`, request_hash FROM runs WHERE tenant_id = $1 AND idempotency_key = $2`, tenant, *idem), &prevHash)
			if err == nil {
				if prevHash == nil || *prevHash != in.RequestHash {
					return conflict("create run", "Idempotency-Key", fmt.Sprintf("Idempotency-Key %q was already used for a different request", *idem))
				}
				run, existing = &r, true
				agents, err = listAgents(ctx, tx, tenant, r.ID)
				return err
			} else if err != pgx.ErrNoRows {
				return err
			}
		}
		if run, agents, err = insertRun(ctx, tx, tenant, &in, idem); err != nil {
			return err
		}
		if enqueue != nil {
			return enqueue(ctx, tx, run, agents)
		}
		return nil
	})
	if err != nil {
		return nil, nil, false, wrap("create run", err)
	}
	return run, agents, existing, nil
}

// insertRun inserts a run and one queued agent per test of in, in tx.
func insertRun(ctx context.Context, tx pgx.Tx, tenant uuid.UUID, in *RunInput, idem *string) (*Run, []Agent, error) {
	r, err := scanRun(tx.QueryRow(ctx, `
		INSERT INTO runs (id, tenant_id, project_id, trigger, commit_sha, branch, created_by_user, created_by_key, idempotency_key, request_hash, selection)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+runColumns,
		newID(), tenant, in.ProjectID, in.Trigger, in.CommitSHA, in.Branch, in.CreatedByUser, in.CreatedByKey, idem, nilIfEmpty(in.RequestHash), in.Selection))
	if err != nil {
		return nil, nil, err
	}
	agents := make([]Agent, 0, len(in.TestIDs))
	for _, testID := range in.TestIDs {
		a, err := scanAgent(tx.QueryRow(ctx, `
			INSERT INTO agents (id, tenant_id, run_id, test_id, test_name)
			SELECT $1, $2, $3, t.id, t.name FROM tests t
			WHERE t.tenant_id = $2 AND t.id = $4 AND t.project_id = $5
			RETURNING `+agentColumns, newID(), tenant, r.ID, testID, in.ProjectID))
		if err == pgx.ErrNoRows {
			return nil, nil, fmt.Errorf("test %s: %w in this project", testID, ErrNotFound)
		}
		if err != nil {
			return nil, nil, err
		}
		agents = append(agents, a)
	}
	return &r, agents, nil
}

func scanRunWithHash(r pgx.Row, hash **string) (Run, error) {
	var x Run
	err := r.Scan(&x.ID, &x.TenantID, &x.ProjectID, &x.Status, &x.Trigger, &x.CommitSHA, &x.Branch, &x.CreatedByUser,
		&x.CreatedByKey, &x.IdempotencyKey, &x.CreatedAt, &x.StartedAt, &x.FinishedAt, &x.Selection, hash)
	return x, err
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// GetRun returns one of tenant's runs.
func (s *Store) GetRun(ctx context.Context, tenant, id uuid.UUID) (*Run, error) {
	return oneInTenant(ctx, s, tenant, "get run", scanRun, `SELECT `+runColumns+` FROM runs WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// RunFilter selects runs in ListRuns.
type RunFilter struct {
	ProjectID *uuid.UUID
	After     *Cursor
	Limit     int
}

// ListRuns lists tenant's runs, newest first, one page at a time.
func (s *Store) ListRuns(ctx context.Context, tenant uuid.UUID, f RunFilter) ([]Run, *Cursor, error) {
	limit := pageSize(f.Limit)
	at, aid := cursorArgs(f.After)
	var out []Run
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+runColumns+` FROM runs
			WHERE tenant_id = $1 AND ($2::uuid IS NULL OR project_id = $2)
			  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
			ORDER BY created_at DESC, id DESC LIMIT $5`, tenant, f.ProjectID, at, aid, limit+1)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, rowsOf(scanRun))
		return err
	})
	if err != nil {
		return nil, nil, wrap("list runs", err)
	}
	return pageOf(out, limit, func(r Run) Cursor { return Cursor{r.CreatedAt, r.ID} })
}

// RefreshRunStatus recomputes a run's status from its agents: running while
// any agent is queued or running (once one has started), otherwise the
// worst outcome — error over failed over cancelled over passed.
func (s *Store) RefreshRunStatus(ctx context.Context, tenant, run uuid.UUID) (*Run, error) {
	var r Run
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		r, err = refreshRunStatus(ctx, tx, tenant, run)
		return err
	})
	if err != nil {
		return nil, wrap("refresh run status", err)
	}
	return &r, nil
}

func refreshRunStatus(ctx context.Context, tx pgx.Tx, tenant, run uuid.UUID) (Run, error) {
	return scanRun(tx.QueryRow(ctx, `
		WITH a AS (
			SELECT count(*) FILTER (WHERE status IN ('queued', 'running')) AS open,
			       count(*) FILTER (WHERE status <> 'queued') AS started,
			       bool_or(status = 'error') AS any_error,
			       bool_or(status = 'failed') AS any_failed,
			       bool_or(status = 'cancelled') AS any_cancelled
			FROM agents WHERE tenant_id = $1 AND run_id = $2
		)
		UPDATE runs SET
			status = CASE
				WHEN a.open > 0 AND a.started > 0 THEN 'running'
				WHEN a.open > 0 THEN 'queued'
				WHEN a.any_error THEN 'error'
				WHEN a.any_failed THEN 'failed'
				WHEN a.any_cancelled THEN 'cancelled'
				ELSE 'passed' END,
			started_at = CASE WHEN a.started > 0 THEN coalesce(started_at, now()) END,
			finished_at = CASE WHEN a.open = 0 THEN coalesce(finished_at, now()) END
		FROM a WHERE tenant_id = $1 AND id = $2
		RETURNING `+prefixed("runs.", runColumns), tenant, run))
}
