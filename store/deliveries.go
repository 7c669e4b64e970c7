package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// WebhookDelivery is one attempt to deliver one event to a project's
// webhook endpoint.
type WebhookDelivery struct {
	ID              uuid.UUID
	ProjectID       uuid.UUID
	EventID         string
	EventType       string
	URL             string
	Payload         json.RawMessage
	Attempt         int
	StatusCode      *int
	LatencyMS       *int
	ResponseExcerpt string
	Error           string
	CreatedAt       time.Time
}

// MaxResponseExcerpt is how much of a receiver's response is kept.
const MaxResponseExcerpt = 1024

const deliveryColumns = `id, project_id, event_id, event_type, url, payload, attempt, status_code, latency_ms,
	response_excerpt, error, created_at`

// RecordDelivery logs one delivery attempt. The response excerpt is cut to
// MaxResponseExcerpt bytes.
func (s *Store) RecordDelivery(ctx context.Context, tenant uuid.UUID, d WebhookDelivery) (*WebhookDelivery, error) {
	d.ResponseExcerpt = truncateUTF8(d.ResponseExcerpt, MaxResponseExcerpt)
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			INSERT INTO webhook_deliveries (id, tenant_id, project_id, event_id, event_type, url, payload, attempt,
			                                status_code, latency_ms, response_excerpt, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+deliveryColumns,
			newID(), tenant, d.ProjectID, d.EventID, d.EventType, d.URL, d.Payload, d.Attempt, d.StatusCode,
			d.LatencyMS, d.ResponseExcerpt, d.Error)
		if err != nil {
			return err
		}
		d, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[WebhookDelivery])
		return err
	})
	if err != nil {
		return nil, wrap("record delivery", err)
	}
	return &d, nil
}

// ListDeliveries lists a project's delivery attempts, newest first.
func (s *Store) ListDeliveries(ctx context.Context, tenant, project uuid.UUID, limit int) ([]WebhookDelivery, error) {
	return allInTenant(ctx, s, tenant, "list deliveries", pgx.RowToStructByPos[WebhookDelivery], `SELECT `+deliveryColumns+` FROM webhook_deliveries
			WHERE tenant_id = $1 AND project_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`, tenant, project, pageSize(limit))
}

// DeliveryFilter selects delivery attempts in DeliveryPage.
type DeliveryFilter struct {
	ProjectID uuid.UUID
	After     *Cursor
	Limit     int // default 50, at most 200
}

// DeliveryPage lists a project's delivery attempts, newest first, one
// page at a time; the cursor is nil on the last page.
func (s *Store) DeliveryPage(ctx context.Context, tenant uuid.UUID, f DeliveryFilter) ([]WebhookDelivery, *Cursor, error) {
	limit := pageSize(f.Limit)
	at, aid := cursorArgs(f.After)
	var out []WebhookDelivery
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
			WHERE tenant_id = $1 AND project_id = $2
			  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
			ORDER BY created_at DESC, id DESC LIMIT $5`, tenant, f.ProjectID, at, aid, limit+1)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[WebhookDelivery])
		return err
	})
	if err != nil {
		return nil, nil, wrap("list deliveries", err)
	}
	return pageOf(out, limit, func(d WebhookDelivery) Cursor { return Cursor{d.CreatedAt, d.ID} })
}

// GetDelivery returns one delivery attempt.
func (s *Store) GetDelivery(ctx context.Context, tenant, id uuid.UUID) (*WebhookDelivery, error) {
	var d WebhookDelivery
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2`, tenant, id)
		if err != nil {
			return err
		}
		d, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[WebhookDelivery])
		return err
	})
	if err != nil {
		return nil, wrap("get delivery", err)
	}
	return &d, nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
