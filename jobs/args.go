package jobs

import (
	"github.com/google/uuid"
	"github.com/riverqueue/river"
)

// AgentArgs is the job that runs one agent. It carries ids only: the worker
// reads the agent, its test and its project through the tenant-scoped
// store, so a job row holds no tenant data.
type AgentArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	AgentID  uuid.UUID `json:"agent_id"`
}

// Kind implements river.JobArgs.
func (AgentArgs) Kind() string { return "agent" }

// InsertOpts puts agent jobs on the agents queue with at most MaxAttempts
// attempts.
func (AgentArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueAgents, MaxAttempts: MaxAttempts}
}

// PurgeArgs is the periodic job that deletes expired login sessions,
// password-reset tokens and OAuth states.
type PurgeArgs struct{}

// Kind implements river.JobArgs.
func (PurgeArgs) Kind() string { return "purge_expired" }

// InsertOpts puts the purge on the maintenance queue; a purge that fails is
// not retried, the next period's purge does the same work.
func (PurgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, MaxAttempts: 1}
}
