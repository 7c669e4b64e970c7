package webhook

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/store"
)

// Redeliver queues a fresh delivery of a recorded event, for an admin:
// the same body and the same webhook-id (receivers that already processed
// it can tell), signed with the project's current secrets and sent to its
// current URL, with a full set of retries. A disabled endpoint must be
// enabled first (store.EnableWebhook); the attempt is recorded otherwise.
func Redeliver(ctx context.Context, st *store.Store, ins Inserter, tenant, delivery uuid.UUID) error {
	d, err := st.GetDelivery(ctx, tenant, delivery)
	if err != nil {
		return fmt.Errorf("redeliver: %w", err)
	}
	args := DeliverArgs{
		Tenant:     tenant,
		Project:    d.ProjectID,
		EventID:    d.EventID,
		EventType:  d.EventType,
		Body:       string(d.Payload),
		Redelivery: uuid.NewString(),
	}
	return pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
		return Enqueue(ctx, tx, ins, args)
	})
}
