package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/argusqa/argus/store"
)

// Defaults of the wait for a database that went away mid-agent.
const (
	// outageWait is how long an agent's record waits for the database to
	// come back (a restart, a failover) before the agent ends in error.
	outageWait = time.Minute
	// outageBackoffMax caps the pause between two tries.
	outageBackoffMax = 2 * time.Second
)

// retryUnavailable runs op until it succeeds, fails for another reason
// than the database being unavailable, outageWait has passed, or ctx
// ends. op learns whether it is a repeat, so that a write that may have
// been applied before its connection was cut can recognise its own row.
// The agent's browser and model wait meanwhile: losing a run's record to
// a database restart would lose the run.
func retryUnavailable(ctx context.Context, log *slog.Logger, what string, op func(repeat bool) error) error {
	deadline := time.Now().Add(outageWait)
	backoff := 100 * time.Millisecond
	for repeat := false; ; repeat = true {
		err := op(repeat)
		if err == nil || !store.Unavailable(err) || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		log.Warn("database unavailable; trying again", "what", what, "in", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		backoff = min(2*backoff, outageBackoffMax)
	}
}
