package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/store"
)

// WebhookEndpoint returns the state of a project's webhook endpoint
// (admin): URL, whether a secret is set, rotation and disabled state.
func (a *App) WebhookEndpoint(ctx context.Context, p *Principal, project uuid.UUID) (*store.WebhookEndpoint, error) {
	if err := requireAdmin(p, "see webhook settings"); err != nil {
		return nil, err
	}
	return a.store.WebhookEndpoint(ctx, p.TenantID, project)
}

// RotatedSecret is a new webhook signing secret, shown once.
type RotatedSecret struct {
	Secret string
	// PreviousValidUntil is when the replaced secret stops signing; nil
	// when there was none.
	PreviousValidUntil *time.Time
}

// RotateWebhookSecret makes a new signing secret for a project (admin).
// The previous one keeps signing beside it for the rotation overlap, so
// the receiver can switch without rejecting deliveries.
func (a *App) RotateWebhookSecret(ctx context.Context, p *Principal, project uuid.UUID) (*RotatedSecret, error) {
	if err := requireAdmin(p, "rotate a webhook secret"); err != nil {
		return nil, err
	}
	before, err := a.store.WebhookEndpoint(ctx, p.TenantID, project)
	if err != nil {
		return nil, err
	}
	// webhook.RotateSecret makes the secret the signer can read back
	// (standard base64, as Standard Webhooks libraries expect).
	secret, err := webhook.RotateSecret(ctx, a.store, p.TenantID, project, a.cfg.WebhookRotationOverlap)
	if err != nil {
		return nil, err
	}
	out := &RotatedSecret{Secret: secret}
	if before.HasSecret {
		until := a.cfg.now().Add(a.cfg.WebhookRotationOverlap).UTC()
		out.PreviousValidUntil = &until
	}
	return out, nil
}

// ListDeliveries lists a project's webhook delivery attempts, newest first,
// one page at a time (admin).
func (a *App) ListDeliveries(ctx context.Context, p *Principal, project uuid.UUID, page PageRequest) ([]store.WebhookDelivery, *store.Cursor, error) {
	if err := requireAdmin(p, "see webhook deliveries"); err != nil {
		return nil, nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, nil, err
	}
	after, limit, err := page.parse()
	if err != nil {
		return nil, nil, err
	}
	return a.store.DeliveryPage(ctx, p.TenantID, store.DeliveryFilter{ProjectID: project, After: after, Limit: limit})
}

// Redeliver queues a recorded event for delivery again (admin): the same
// body and event id, the project's current URL and secrets, a full set of
// retries. project, when not uuid.Nil, must be the delivery's project.
func (a *App) Redeliver(ctx context.Context, p *Principal, project, delivery uuid.UUID) error {
	if err := requireAdmin(p, "redeliver webhooks"); err != nil {
		return err
	}
	d, err := a.store.GetDelivery(ctx, p.TenantID, delivery)
	if err != nil {
		return err
	}
	if a.cfg.Redeliver == nil {
		return &Error{Code: CodeUnavailable, Detail: "this server cannot queue deliveries (no job queue is configured)"}
	}
	if project != uuid.Nil && d.ProjectID != project {
		return notFound("no such delivery in this project")
	}
	ep, err := a.store.WebhookEndpoint(ctx, p.TenantID, d.ProjectID)
	if err != nil {
		return err
	}
	if ep.URL == "" {
		return conflictErr("this project has no webhook URL; set one first")
	}
	if ep.DisabledAt != nil {
		return conflictErr("deliveries to this endpoint are switched off (" + ep.DisabledReason + "); save the webhook URL again to switch them on, then redeliver")
	}
	return a.cfg.Redeliver(ctx, p.TenantID, d.ID)
}
