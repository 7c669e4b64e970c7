package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/store"
)

// Enqueue schedules a new run's agents inside the transaction that
// created them (the job queue's Enqueue).
type Enqueue func(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error

// Selects says whether a schedule selects test t: t carries all its tags
// and, when it names tests, is one of them.
func Selects(sc *store.Schedule, t *store.Test) bool {
	for _, tag := range sc.Tags {
		if !slices.Contains(t.Tags, tag) {
			return false
		}
	}
	return len(sc.TestNames) == 0 || slices.Contains(sc.TestNames, t.Name)
}

// FireDue fires every schedule due at now, across tenants, at most limit
// of them. A schedule another worker fired first is left alone; one that
// cannot fire (its tests are gone, its expression no longer parses) is
// reported in the joined error while the others still fire.
func FireDue(ctx context.Context, st *store.Store, now time.Time, enqueue Enqueue, limit int) ([]store.Firing, error) {
	due, err := st.DueSchedules(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	var fired []store.Firing
	var errs []error
	for _, ref := range due {
		f, err := Fire(ctx, st, ref.TenantID, ref.ID, now, enqueue)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule %s: %w", ref.ID, err))
			continue
		}
		if f != nil {
			fired = append(fired, *f)
		}
	}
	return fired, errors.Join(errs...)
}

// Fire fires one schedule if it is due at now: it selects the tests, picks
// those the day's budget allows (Pick), and records the firing with its
// run and skips in one transaction that also moves the next firing past
// now. A firing missed while no worker ran happens once, late; the ones
// in between are not repeated. It returns nil when the schedule was not
// due or another worker fired it first.
func Fire(ctx context.Context, st *store.Store, tenant, id uuid.UUID, now time.Time, enqueue Enqueue) (*store.Firing, error) {
	sc, err := st.GetSchedule(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if sc.Paused || sc.NextFireAt == nil || sc.NextFireAt.After(now) {
		return nil, nil
	}
	spec, err := Parse(sc.Cron, sc.Timezone)
	if err != nil {
		return nil, err
	}
	hs, err := st.ProjectHealth(ctx, tenant, sc.ProjectID)
	if err != nil {
		return nil, err
	}
	selected := hs[:0]
	for i := range hs {
		if Selects(sc, &hs[i].Test) {
			selected = append(selected, hs[i])
		}
	}
	runs, tokens, err := st.ScheduleUsage(ctx, tenant, sc.ID, spec.DayStart(now))
	if err != nil {
		return nil, err
	}
	ids, skips := Pick(now, Candidates(selected), Budget{Runs: sc.MaxRunsPerDay, Tokens: sc.MaxTokensPerDay}, Used{Runs: runs, Tokens: tokens})
	return st.FireSchedule(ctx, tenant, store.FiringInput{ScheduleID: sc.ID, DueAt: *sc.NextFireAt, Next: spec.Next(now), FiredAt: now,
		TestIDs: ids, Skipped: skips}, enqueue)
}
