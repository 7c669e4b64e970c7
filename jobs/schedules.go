package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/schedule"
)

// scheduleBatch bounds the schedules one job fires; the rest wait for the
// next period (a minute), oldest due first.
const scheduleBatch = 500

// ScheduleArgs is the periodic job that fires the schedules that are due.
// River's leader alone enqueues periodic jobs, and each firing claims its
// due time in the database (store.FireSchedule), so a due time fires once
// however many workers run and however many of these jobs overlap.
type ScheduleArgs struct{}

// Kind implements river.JobArgs.
func (ScheduleArgs) Kind() string { return "fire_schedules" }

// InsertOpts puts the job on the maintenance queue, without retries: the
// next period fires whatever this one did not.
func (ScheduleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, MaxAttempts: 1}
}

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	j *Jobs
}

func (w *scheduleWorker) Work(ctx context.Context, _ *river.Job[ScheduleArgs]) error {
	_, err := w.j.fireSchedules(ctx)
	return err
}

// fireSchedules fires the due schedules and enqueues their runs' agents in
// the firings' transactions.
func (j *Jobs) fireSchedules(ctx context.Context) (int, error) {
	fired, err := schedule.FireDue(ctx, j.cfg.Store, j.cfg.now(), j.Enqueue, scheduleBatch)
	for _, f := range fired {
		j.cfg.Logger.Info("schedule fired", "tenant", f.TenantID, "schedule", f.ScheduleID, "due", f.DueAt, "run", f.RunID, "skipped", len(f.Skipped))
	}
	return len(fired), err
}

// onTheInterval is a periodic schedule at whole multiples of an interval
// (every minute at :00), not one interval after the client started: cron
// times are whole minutes, so a schedule due at 09:00 fires at 09:00 and
// a few seconds, not up to a minute late.
type onTheInterval time.Duration

func (d onTheInterval) Next(now time.Time) time.Time {
	return now.Truncate(time.Duration(d)).Add(time.Duration(d))
}
