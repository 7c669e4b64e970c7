package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/schedule"
)

// digestBatch bounds the digests one job sends; the rest wait a minute.
const digestBatch = 200

// DigestArgs is the periodic job that sends the schedules' digest mail
// that is due (schedule.SendDigests). Each digest is claimed in the
// database before it is sent, so overlapping jobs send it once.
type DigestArgs struct{}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "send_digests" }

// InsertOpts puts the job on the maintenance queue, without retries: a
// digest that failed is handed back and the next period sends it.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, MaxAttempts: 1}
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	j *Jobs
}

func (w *digestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	_, err := w.j.SendDigests(ctx)
	return err
}

// SendDigests sends the digests due now and returns how many went out.
func (j *Jobs) SendDigests(ctx context.Context) (int, error) {
	if j.cfg.SendMail == nil {
		return 0, nil // nothing is claimed that could not be sent
	}
	n, err := schedule.SendDigests(ctx, j.cfg.Store, j.cfg.now(), j.cfg.PublicURL, j.cfg.SendMail, digestBatch)
	if n > 0 {
		j.cfg.Logger.Info("schedule digests sent", "count", n)
	}
	return n, err
}
