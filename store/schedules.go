package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Schedule runs a selection of a project's tests at the times a cron
// expression names, within a daily budget. The cron expression and time
// zone are checked by the caller (package schedule), which also computes
// NextFireAt.
type Schedule struct {
	ID, TenantID, ProjectID uuid.UUID
	Name                    string
	Cron                    string
	Timezone                string
	// Tags and TestNames select the tests: those carrying all Tags and,
	// when TestNames is not empty, named in it.
	Tags, TestNames []string
	// MaxRunsPerDay and MaxTokensPerDay are the daily budget; nil is no
	// limit.
	MaxRunsPerDay   *int
	MaxTokensPerDay *int64
	Paused          bool
	// NextFireAt is the next due firing, nil while paused.
	NextFireAt *time.Time
	// Digest is when a digest mail goes to DigestTo: DigestOff,
	// DigestFiring (after each firing's run finished) or DigestDaily
	// (after each day in Timezone, over that day's firings).
	Digest   string
	DigestTo []string
	// DigestFrom is, for a daily digest, the start of the next day not
	// yet digested; nil before the first.
	DigestFrom           *time.Time
	CreatedAt, UpdatedAt time.Time
}

// Digest modes of a schedule.
const (
	DigestOff    = "off"
	DigestFiring = "firing"
	DigestDaily  = "daily"
)

// ScheduleInput is the editable part of a schedule.
type ScheduleInput struct {
	Name, Cron, Timezone string
	Tags, TestNames      []string
	MaxRunsPerDay        *int
	MaxTokensPerDay      *int64
	Paused               bool
	NextFireAt           *time.Time
	Digest               string // "" is DigestOff
	DigestTo             []string
}

func (in *ScheduleInput) normalise() {
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if in.Tags == nil {
		in.Tags = []string{}
	}
	if in.TestNames == nil {
		in.TestNames = []string{}
	}
	if in.Digest == "" {
		in.Digest = DigestOff
	}
	if in.DigestTo == nil {
		in.DigestTo = []string{}
	}
}

const scheduleColumns = `id, tenant_id, project_id, name, cron, timezone, tags, test_names, max_runs_per_day, max_tokens_per_day, paused, next_fire_at, created_at, updated_at, digest, digest_to, digest_from`

func scanSchedule(r pgx.Row) (Schedule, error) {
	var x Schedule
	err := r.Scan(&x.ID, &x.TenantID, &x.ProjectID, &x.Name, &x.Cron, &x.Timezone, &x.Tags, &x.TestNames,
		&x.MaxRunsPerDay, &x.MaxTokensPerDay, &x.Paused, &x.NextFireAt, &x.CreatedAt, &x.UpdatedAt, &x.Digest, &x.DigestTo, &x.DigestFrom)
	return x, err
}

// CreateSchedule adds a schedule to one of tenant's projects.
func (s *Store) CreateSchedule(ctx context.Context, tenant, project uuid.UUID, in ScheduleInput) (*Schedule, error) {
	in.normalise()
	return oneInTenant(ctx, s, tenant, "create schedule", scanSchedule, `
			INSERT INTO schedules (id, tenant_id, project_id, name, cron, timezone, tags, test_names, max_runs_per_day, max_tokens_per_day, paused, next_fire_at, digest, digest_to)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING `+scheduleColumns,
		newID(), tenant, project, in.Name, in.Cron, in.Timezone, in.Tags, in.TestNames, in.MaxRunsPerDay, in.MaxTokensPerDay, in.Paused, in.NextFireAt, in.Digest, in.DigestTo)
}

// GetSchedule returns one of tenant's schedules.
func (s *Store) GetSchedule(ctx context.Context, tenant, id uuid.UUID) (*Schedule, error) {
	return oneInTenant(ctx, s, tenant, "get schedule", scanSchedule, `SELECT `+scheduleColumns+` FROM schedules WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// ListSchedules returns a project's schedules by name.
func (s *Store) ListSchedules(ctx context.Context, tenant, project uuid.UUID) ([]Schedule, error) {
	return allInTenant(ctx, s, tenant, "list schedules", rowsOf(scanSchedule), `SELECT `+scheduleColumns+` FROM schedules WHERE tenant_id = $1 AND project_id = $2 ORDER BY name, id`, tenant, project)
}

// UpdateSchedule replaces a schedule's editable fields.
func (s *Store) UpdateSchedule(ctx context.Context, tenant, id uuid.UUID, in ScheduleInput) (*Schedule, error) {
	in.normalise()
	return oneInTenant(ctx, s, tenant, "update schedule", scanSchedule, `
			UPDATE schedules SET name = $3, cron = $4, timezone = $5, tags = $6, test_names = $7, max_runs_per_day = $8,
			       max_tokens_per_day = $9, paused = $10, next_fire_at = $11, digest = $12, digest_to = $13,
			       digest_from = CASE WHEN digest = $12 THEN digest_from END, updated_at = now()
			WHERE tenant_id = $1 AND id = $2 RETURNING `+scheduleColumns,
		tenant, id, in.Name, in.Cron, in.Timezone, in.Tags, in.TestNames, in.MaxRunsPerDay, in.MaxTokensPerDay, in.Paused, in.NextFireAt, in.Digest, in.DigestTo)
}

// DeleteSchedule removes a schedule and its firing records; the runs it
// started stay.
func (s *Store) DeleteSchedule(ctx context.Context, tenant, id uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM schedules WHERE tenant_id = $1 AND id = $2`, tenant, id)
		return exactlyOne("delete schedule", tag, err)
	})
}

// ScheduleRef names a schedule across tenants.
type ScheduleRef struct {
	TenantID, ID uuid.UUID
}

// DueSchedules lists schedules, across tenants, whose next firing is at or
// before now and that are not paused, oldest due first, at most limit. It
// runs as the connection's own role: the job that fires schedules serves
// every tenant, and each firing then runs tenant-scoped (FireSchedule).
func (s *Store) DueSchedules(ctx context.Context, now time.Time, limit int) ([]ScheduleRef, error) {
	var out []ScheduleRef
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT tenant_id, id FROM schedules WHERE NOT paused AND next_fire_at <= $1
			ORDER BY next_fire_at, id LIMIT $2`, now, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ScheduleRef, error) {
			var x ScheduleRef
			return x, r.Scan(&x.TenantID, &x.ID)
		})
		return err
	})
	if err != nil {
		return nil, wrap("due schedules", err)
	}
	return out, nil
}

// ScheduleUsage is what a schedule's agents started since a time have used:
// their number and their model tokens so far.
func (s *Store) ScheduleUsage(ctx context.Context, tenant, schedule uuid.UUID, since time.Time) (runs int, tokens int64, err error) {
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			SELECT count(a.id), coalesce(sum(a.input_tokens + a.output_tokens), 0)
			FROM schedule_firings f JOIN agents a ON a.tenant_id = f.tenant_id AND a.run_id = f.run_id
			WHERE f.tenant_id = $1 AND f.schedule_id = $2 AND f.fired_at >= $3`, tenant, schedule, since).Scan(&runs, &tokens)
	})
	if err != nil {
		return 0, 0, wrap("schedule usage", err)
	}
	return runs, tokens, nil
}

// Firing is one firing of a schedule: the run it started (nil when nothing
// was left to run) and the tests it skipped.
type Firing struct {
	ID, TenantID, ScheduleID uuid.UUID
	DueAt, FiredAt           time.Time
	RunID                    *uuid.UUID
	Skipped                  []FiringSkip
}

// FiringSkip is a test a firing did not run, and why.
type FiringSkip struct {
	TestID   uuid.UUID `json:"test_id"`
	TestName string    `json:"test_name"`
	Reason   string    `json:"reason"`
}

// FiringInput is what a firing does: the due time it claims, the next due
// time it leaves, the tests it runs and the ones it skips.
type FiringInput struct {
	ScheduleID  uuid.UUID
	DueAt, Next time.Time
	FiredAt     time.Time
	TestIDs     []uuid.UUID
	Skipped     []FiringSkip
}

// FireSchedule records one firing in one transaction: it claims the due
// time by moving the schedule's next_fire_at from in.DueAt to in.Next
// (only if it is still in.DueAt and the schedule not paused), creates the
// run of in.TestIDs (trigger "schedule") and enqueues it, and records the
// firing with its skips. When the claim fails — another worker fired this
// due time, or the schedule was paused or changed meanwhile — nothing is
// written and it returns nil, nil: that is how a due time fires once
// across workers.
func (s *Store) FireSchedule(ctx context.Context, tenant uuid.UUID, in FiringInput,
	enqueue func(ctx context.Context, tx pgx.Tx, run *Run, agents []Agent) error,
) (*Firing, error) {
	if in.Skipped == nil {
		in.Skipped = []FiringSkip{}
	}
	skipped, err := json.Marshal(in.Skipped)
	if err != nil {
		return nil, fmt.Errorf("fire schedule: %w", err)
	}
	var f *Firing
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		var project uuid.UUID
		err := tx.QueryRow(ctx, `
			UPDATE schedules SET next_fire_at = $4
			WHERE tenant_id = $1 AND id = $2 AND next_fire_at = $3 AND NOT paused
			RETURNING project_id`, tenant, in.ScheduleID, in.DueAt, in.Next).Scan(&project)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		x := Firing{ID: newID(), TenantID: tenant, ScheduleID: in.ScheduleID, DueAt: in.DueAt, FiredAt: in.FiredAt, Skipped: in.Skipped}
		if len(in.TestIDs) > 0 {
			run, agents, err := insertRun(ctx, tx, tenant, &RunInput{ProjectID: project, Trigger: TriggerSchedule, TestIDs: in.TestIDs}, nil)
			if err != nil {
				return err
			}
			if enqueue != nil {
				if err := enqueue(ctx, tx, run, agents); err != nil {
					return err
				}
			}
			x.RunID = &run.ID
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO schedule_firings (id, tenant_id, schedule_id, due_at, fired_at, run_id, skipped)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, x.ID, tenant, x.ScheduleID, x.DueAt, x.FiredAt, x.RunID, skipped); err != nil {
			return err
		}
		f = &x
		return nil
	})
	if err != nil {
		return nil, wrap("fire schedule", err)
	}
	return f, nil
}

// ListFirings returns a schedule's latest firings, newest first, at most
// limit.
func (s *Store) ListFirings(ctx context.Context, tenant, schedule uuid.UUID, limit int) ([]Firing, error) {
	return allInTenant(ctx, s, tenant, "list firings", rowsOf(scanFiring), `SELECT `+firingColumns+` FROM schedule_firings
			WHERE tenant_id = $1 AND schedule_id = $2 ORDER BY due_at DESC, id DESC LIMIT $3`, tenant, schedule, limit)
}

const firingColumns = `id, tenant_id, schedule_id, due_at, fired_at, run_id, skipped`

func scanFiring(r pgx.Row) (Firing, error) {
	var x Firing
	var raw []byte
	if err := r.Scan(&x.ID, &x.TenantID, &x.ScheduleID, &x.DueAt, &x.FiredAt, &x.RunID, &raw); err != nil {
		return x, err
	}
	return x, json.Unmarshal(raw, &x.Skipped)
}
