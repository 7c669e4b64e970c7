package server

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/store"
)

// Scheduler is what the server needs of the job system (package jobs
// implements it with River).
type Scheduler interface {
	// Enqueue is store.CreateRun's enqueue callback: it inserts one job
	// per agent in tx, so jobs exist exactly when the rows do.
	Enqueue(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error
	// CancelAgent cancels the agent's job, queued or running; a running
	// agent's context ends and its browser is destroyed within 5 s.
	CancelAgent(ctx context.Context, tenant, agent uuid.UUID) error
}
