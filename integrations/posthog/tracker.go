package posthog

import (
	"context"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// EventAgentCompleted is the name of the event.
const EventAgentCompleted = "agent_completed"

// Tracker records product-analytics events. Implementations are safe for
// concurrent use and never block on the network.
type Tracker interface {
	// AgentCompleted records that an agent ended.
	AgentCompleted(ctx context.Context, ev AgentCompleted) error
	// Close sends what is still queued and stops the tracker.
	Close() error
}

// AgentCompleted is the whole content of an agent_completed event.
type AgentCompleted struct {
	AgentID    uuid.UUID
	Model      string
	Success    bool
	Iterations int
	TokensUsed int64
	TenantID   uuid.UUID
}

// FromAgent takes the event's fields from an ended agent: success means
// the test passed; tokens are input plus output tokens.
func FromAgent(a *store.Agent) AgentCompleted {
	return AgentCompleted{
		AgentID:    a.ID,
		Model:      a.Model,
		Success:    a.Status == store.StatusPassed,
		Iterations: a.Iterations,
		TokensUsed: a.Tokens(),
		TenantID:   a.TenantID,
	}
}

// Nop is the Tracker used when PostHog is not configured: it sends
// nothing.
type Nop struct{}

// AgentCompleted implements Tracker.
func (Nop) AgentCompleted(context.Context, AgentCompleted) error { return nil }

// Close implements Tracker.
func (Nop) Close() error { return nil }
