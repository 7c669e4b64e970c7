package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// cancelReason is recorded on agents cancelled through the API.
const cancelReason = "cancelled by request"

// cancelAgentOf marks a queued or running agent cancelled, cancels its job
// and tells event streams. An agent already finished is left as it is
// (finished=true).
func (s *Server) cancelAgentOf(ctx context.Context, tenant uuid.UUID, a *store.Agent) (finished bool, err error) {
	if a.Status.Final() {
		return true, nil
	}
	// The scheduler first. Package jobs marks the row cancelled before it
	// cancels the job (a worker that starts the job afterwards sees the
	// agent cancelled and StartAgent refuses it), and tells the
	// integrations (webhooks, analytics) that the agent ended — which it
	// does only for an agent it still finds open, so the row must not be
	// cancelled before it looks.
	if err := s.cfg.Scheduler.CancelAgent(ctx, tenant, a.ID); err != nil {
		return false, fmt.Errorf("cancel agent job: %w", err)
	}
	// The row, for a scheduler that only cancels jobs.
	if _, err := s.store.CancelAgent(ctx, tenant, a.ID, cancelReason); err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		now, err := s.store.GetAgent(ctx, tenant, a.ID)
		if err != nil {
			return false, err
		}
		if now.Status != store.StatusCancelled {
			return true, nil // finished meanwhile
		}
	}
	if _, err := s.store.RefreshRunStatus(ctx, tenant, a.RunID); err != nil {
		return false, err
	}
	pool := s.store.Pool()
	if err := events.Publish(ctx, pool, events.Event{Kind: events.KindAgent, Tenant: tenant, Run: a.RunID, Agent: a.ID}); err != nil {
		s.log.Warn("publishing a cancel", "error", err)
	}
	if err := events.Publish(ctx, pool, events.Event{Kind: events.KindRun, Tenant: tenant, Run: a.RunID}); err != nil {
		s.log.Warn("publishing a cancel", "error", err)
	}
	return false, nil
}
