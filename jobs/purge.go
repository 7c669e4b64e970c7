package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// purgeWorker deletes expired sessions, reset tokens and OAuth states, and
// test mail older than the mail retention.
type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	j *Jobs
}

func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	n, err := w.j.cfg.Store.PurgeExpired(ctx)
	if err != nil {
		return fmt.Errorf("purge expired: %w", err)
	}
	m, err := w.j.cfg.Store.PurgeMail(ctx, time.Now().Add(-w.j.cfg.MailRetention))
	if err != nil {
		return fmt.Errorf("purge mail: %w", err)
	}
	w.j.cfg.Logger.Debug("purged expired rows", "sessions", n.Sessions, "reset_tokens", n.ResetTokens, "oauth_states", n.OAuthStates, "mail", m)
	return nil
}
