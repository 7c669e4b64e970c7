package webhook

import (
	"github.com/google/uuid"
	"github.com/riverqueue/river"
)

// Kind and queue of delivery jobs.
const (
	Kind  = "webhook_deliver"
	Queue = "webhooks"
)

// DeliverArgs is one event to deliver to one project's endpoint. The URL
// and secrets are read when each attempt starts, so a changed URL, a
// rotated secret or a disabled endpoint take effect for pending retries.
type DeliverArgs struct {
	Tenant  uuid.UUID `json:"tenant"`
	Project uuid.UUID `json:"project"`
	// EventID is the webhook-id header, the same on every attempt and on
	// redeliveries, so receivers can drop duplicates.
	EventID   string `json:"event_id" river:"unique"`
	EventType string `json:"event_type"`
	// Body is the JSON sent, kept as a string so the bytes signed are the
	// bytes first encoded (River stores args as jsonb, which would
	// reorder an embedded object's keys).
	Body string `json:"body"`
	// Redelivery is set on a redelivery an admin asked for, so it is not
	// taken for a duplicate of the original job.
	Redelivery string `json:"redelivery,omitempty" river:"unique"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return Kind }

// InsertOpts puts deliveries on their own queue, so a slow receiver never
// holds up agents, with MaxAttempts tries; an event already queued (by
// its webhook-id) is not queued twice.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       Queue,
		MaxAttempts: MaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}
}
