// Package events carries "something changed" signals between processes
// through PostgreSQL's LISTEN/NOTIFY: a worker on one host records a step, the
// server on another pushes it to a browser over Server-Sent Events.
//
// A notification carries ids only (NOTIFY payloads are capped at 8000 bytes
// and are visible to every listener): receivers read the row itself through
// the tenant-scoped store, so an event never carries a tenant's data.
package events

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
)

// Channel is the NOTIFY channel Argus uses.
const Channel = "argus_events"

// Kind says what changed.
type Kind string

const (
	// KindStep: an agent recorded a step (Index says which).
	KindStep Kind = "step"
	// KindAgent: an agent changed status (queued → running → an end state)
	// or its progress counters moved.
	KindAgent Kind = "agent"
	// KindRun: a run changed status.
	KindRun Kind = "run"
)

// Event is one change.
type Event struct {
	Kind   Kind      `json:"kind"`
	Tenant uuid.UUID `json:"tenant"`
	Run    uuid.UUID `json:"run"`
	Agent  uuid.UUID `json:"agent,omitzero"`
	Index  int       `json:"index,omitempty"`
}

// Execer is what Publish needs: a pool, a connection or a transaction (in
// which case the event is delivered only if the transaction commits).
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Publish sends ev to every listener.
func Publish(ctx context.Context, db Execer, ev Event) error {
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, "SELECT pg_notify($1, $2)", Channel, string(payload)); err != nil {
		return fmt.Errorf("events: publish %s: %w", ev.Kind, err)
	}
	return nil
}
