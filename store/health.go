package store

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// HealthWindow is how many of a test's latest verdicts its health reads:
// the strip, the flakiness count and the medians all cover these.
const HealthWindow = 20

// Verdict is one finished agent of a test: passed, failed or error.
// Cancelled agents are no verdict and are left out.
type Verdict struct {
	AgentID    uuid.UUID
	RunID      uuid.UUID
	Status     Status
	Summary    string
	FinishedAt time.Time
	DurationMS int64
	Tokens     int64
}

// TestHealth is how one test has been doing lately.
type TestHealth struct {
	Test Test
	// Recent holds the latest verdicts, newest first, at most HealthWindow.
	Recent []Verdict
	// LastPass is when the test last passed, across its whole history.
	LastPass *time.Time
	// HasReplay says a replay is saved: the next run replays it without
	// the model (and so without tokens) unless the test changed.
	HasReplay bool
	// Active says an agent of the test is queued or running now.
	Active bool
}

// Last is the latest verdict, nil if the test never finished.
func (h *TestHealth) Last() *Verdict {
	if len(h.Recent) == 0 {
		return nil
	}
	return &h.Recent[0]
}

// Flakiness counts the verdict changes in Recent: 0 for a test that always
// ends the same way, len(Recent)-1 for one that alternates.
func (h *TestHealth) Flakiness() int {
	n := 0
	for i := 1; i < len(h.Recent); i++ {
		if h.Recent[i].Status != h.Recent[i-1].Status {
			n++
		}
	}
	return n
}

// MedianDurationMS is the median run time of Recent, nil without verdicts.
func (h *TestHealth) MedianDurationMS() *int64 {
	return median(h.Recent, func(v Verdict) int64 { return v.DurationMS })
}

// MedianTokens is the median model token use of Recent, nil without
// verdicts.
func (h *TestHealth) MedianTokens() *int64 {
	return median(h.Recent, func(v Verdict) int64 { return v.Tokens })
}

func median(vs []Verdict, f func(Verdict) int64) *int64 {
	if len(vs) == 0 {
		return nil
	}
	xs := make([]int64, len(vs))
	for i, v := range vs {
		xs[i] = f(v)
	}
	slices.Sort(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return &m
}

// ProjectHealth returns the health of every test of one of tenant's
// projects, ordered by test name. A project of another tenant is
// ErrNotFound.
func (s *Store) ProjectHealth(ctx context.Context, tenant, project uuid.UUID) ([]TestHealth, error) {
	var out []TestHealth
	err := s.readInTenant(ctx, tenant, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2)`, tenant, project).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		rows, err := tx.Query(ctx, `SELECT `+testColumns+` FROM tests WHERE tenant_id = $1 AND project_id = $2 ORDER BY name, id`, tenant, project)
		if err != nil {
			return err
		}
		tests, err := pgx.CollectRows(rows, rowsOf(scanTest))
		if err != nil {
			return err
		}
		out = make([]TestHealth, len(tests))
		byID := make(map[uuid.UUID]*TestHealth, len(tests))
		for i := range tests {
			out[i] = TestHealth{Test: tests[i], Recent: []Verdict{}}
			byID[tests[i].ID] = &out[i]
		}
		if len(tests) == 0 {
			return nil
		}
		// The latest verdicts per test (agents_test_created serves the
		// per-test scan).
		rows, err = tx.Query(ctx, `
			SELECT test_id, id, run_id, status, summary, finished_at, coalesce(duration_ms, 0), input_tokens + output_tokens
			FROM (SELECT a.*, row_number() OVER (PARTITION BY a.test_id ORDER BY a.finished_at DESC, a.id DESC) AS n
			      FROM agents a JOIN tests t ON t.tenant_id = a.tenant_id AND t.id = a.test_id
			      WHERE a.tenant_id = $1 AND t.project_id = $2
			        AND a.status IN ('passed', 'failed', 'error') AND a.finished_at IS NOT NULL) x
			WHERE n <= $3
			ORDER BY test_id, n`, tenant, project, HealthWindow)
		if err != nil {
			return err
		}
		var testID uuid.UUID
		var v Verdict
		if _, err := pgx.ForEachRow(rows, []any{&testID, &v.AgentID, &v.RunID, &v.Status, &v.Summary, &v.FinishedAt, &v.DurationMS, &v.Tokens}, func() error {
			if h := byID[testID]; h != nil {
				h.Recent = append(h.Recent, v)
			}
			return nil
		}); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT a.test_id, max(a.finished_at) FILTER (WHERE a.status = 'passed'),
			       bool_or(a.status IN ('queued', 'running'))
			FROM agents a JOIN tests t ON t.tenant_id = a.tenant_id AND t.id = a.test_id
			WHERE a.tenant_id = $1 AND t.project_id = $2 AND a.status IN ('passed', 'queued', 'running')
			GROUP BY a.test_id`, tenant, project)
		if err != nil {
			return err
		}
		var lastPass *time.Time
		var active bool
		if _, err := pgx.ForEachRow(rows, []any{&testID, &lastPass, &active}, func() error {
			if h := byID[testID]; h != nil {
				h.LastPass, h.Active = lastPass, active
			}
			return nil
		}); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT r.test_id FROM replays r JOIN tests t ON t.tenant_id = r.tenant_id AND t.id = r.test_id
			WHERE r.tenant_id = $1 AND t.project_id = $2`, tenant, project)
		if err != nil {
			return err
		}
		_, err = pgx.ForEachRow(rows, []any{&testID}, func() error {
			if h := byID[testID]; h != nil {
				h.HasReplay = true
			}
			return nil
		})
		return err
	})
	if err != nil {
		return nil, wrap("project health", err)
	}
	return out, nil
}
