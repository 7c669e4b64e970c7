package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// DiscoveryStatus is where a discovery is: queued → running → done |
// error, or cancelled from queued or running.
type DiscoveryStatus string

const (
	DiscoveryQueued    DiscoveryStatus = "queued"
	DiscoveryRunning   DiscoveryStatus = "running"
	DiscoveryDone      DiscoveryStatus = "done"
	DiscoveryError     DiscoveryStatus = "error"
	DiscoveryCancelled DiscoveryStatus = "cancelled"
)

// Final reports whether the discovery has ended.
func (s DiscoveryStatus) Final() bool {
	return s == DiscoveryDone || s == DiscoveryError || s == DiscoveryCancelled
}

// Discovery is one crawl of a project's application and its result.
type Discovery struct {
	ID        uuid.UUID
	TenantID  uuid.UUID
	ProjectID uuid.UUID
	Status    DiscoveryStatus
	// Persona is the project's persona discovery signs in as; "" for none.
	Persona   string
	LoginPath string
	MaxPages  int
	// Error says why a discovery ended in error or was cancelled.
	Error string
	// Pages, Forms and SuggestedCount summarise the result.
	Pages, Forms, SuggestedCount int
	// AppMap is the map as JSON (discovery.Map); nil until done.
	AppMap json.RawMessage
	// SuggestedYAML are the suggested tests as one test file.
	SuggestedYAML string
	CreatedAt     time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
}

// DiscoveryInput is a new discovery.
type DiscoveryInput struct {
	Persona   string
	LoginPath string // default /login
	MaxPages  int
}

// DiscoveryResult is how a discovery ended: Error set means it failed.
type DiscoveryResult struct {
	Error                        string
	Pages, Forms, SuggestedCount int
	AppMap                       json.RawMessage
	SuggestedYAML                string
}

const discoveryColumns = `id, tenant_id, project_id, status, persona, login_path, max_pages, error, pages, forms,
	suggested_count, app_map, suggested_yaml, created_at, started_at, finished_at`

func scanDiscovery(r pgx.Row) (Discovery, error) {
	var d Discovery
	var m []byte
	err := r.Scan(&d.ID, &d.TenantID, &d.ProjectID, &d.Status, &d.Persona, &d.LoginPath, &d.MaxPages, &d.Error, &d.Pages, &d.Forms,
		&d.SuggestedCount, &m, &d.SuggestedYAML, &d.CreatedAt, &d.StartedAt, &d.FinishedAt)
	if len(m) > 0 {
		d.AppMap = json.RawMessage(m)
	}
	return d, err
}

// CreateDiscovery adds a queued discovery to one of tenant's projects and
// calls enqueue in the same transaction, so its job exists exactly when
// the row does.
func (s *Store) CreateDiscovery(ctx context.Context, tenant, project uuid.UUID, in DiscoveryInput,
	enqueue func(ctx context.Context, tx pgx.Tx, d *Discovery) error,
) (*Discovery, error) {
	if in.LoginPath == "" {
		in.LoginPath = "/login"
	}
	if in.MaxPages < 1 || in.MaxPages > 10000 {
		return nil, invalidf("create discovery", "max_pages", "max_pages must be 1 to 10000")
	}
	var d Discovery
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		d, err = scanDiscovery(tx.QueryRow(ctx, `
			INSERT INTO discoveries (id, tenant_id, project_id, persona, login_path, max_pages)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+discoveryColumns,
			newID(), tenant, project, in.Persona, in.LoginPath, in.MaxPages))
		if err != nil {
			return err
		}
		if enqueue != nil {
			return enqueue(ctx, tx, &d)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("create discovery", err)
	}
	return &d, nil
}

// GetDiscovery returns one of tenant's discoveries.
func (s *Store) GetDiscovery(ctx context.Context, tenant, id uuid.UUID) (*Discovery, error) {
	return oneInTenant(ctx, s, tenant, "get discovery", scanDiscovery, `SELECT `+discoveryColumns+` FROM discoveries WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// ListDiscoveries lists a project's latest discoveries, newest first,
// without their maps.
func (s *Store) ListDiscoveries(ctx context.Context, tenant, project uuid.UUID, limit int) ([]Discovery, error) {
	return allInTenant(ctx, s, tenant, "list discoveries", rowsOf(scanDiscovery), `SELECT id, tenant_id, project_id, status, persona, login_path, max_pages, error, pages, forms,
			suggested_count, NULL::jsonb, '', created_at, started_at, finished_at
			FROM discoveries WHERE tenant_id = $1 AND project_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`, tenant, project, limit)
}

// StartDiscovery marks a queued discovery running; ErrNotFound when it is
// not queued (already run by an earlier attempt).
func (s *Store) StartDiscovery(ctx context.Context, tenant, id uuid.UUID) (*Discovery, error) {
	return oneInTenant(ctx, s, tenant, "start discovery", scanDiscovery, `
			UPDATE discoveries SET status = 'running', started_at = now()
			WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
			RETURNING `+discoveryColumns, tenant, id)
}

// FinishDiscovery records a discovery's end; ErrNotFound when it has
// already ended (cancelled while it ran: the cancellation stands).
func (s *Store) FinishDiscovery(ctx context.Context, tenant, id uuid.UUID, res DiscoveryResult) (*Discovery, error) {
	status := DiscoveryDone
	if res.Error != "" {
		status = DiscoveryError
		if len(res.Error) > 4000 {
			res.Error = strings.ToValidUTF8(res.Error[:4000], "")
		}
	}
	var m any
	if len(res.AppMap) > 0 {
		m = []byte(res.AppMap)
	}
	return oneInTenant(ctx, s, tenant, "finish discovery", scanDiscovery, `
			UPDATE discoveries SET status = $3, error = $4, pages = $5, forms = $6, suggested_count = $7,
			       app_map = $8, suggested_yaml = $9, finished_at = now()
			WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running', 'error')
			RETURNING `+discoveryColumns, tenant, id, status, res.Error, res.Pages, res.Forms, res.SuggestedCount, m, res.SuggestedYAML)
}

// CancelDiscovery marks one of tenant's queued or running discoveries
// cancelled, with reason; ErrNotFound when it is not tenant's or has
// already ended. Its job is the caller's (package jobs cancels it).
func (s *Store) CancelDiscovery(ctx context.Context, tenant, id uuid.UUID, reason string) (*Discovery, error) {
	return oneInTenant(ctx, s, tenant, "cancel discovery", scanDiscovery, `
			UPDATE discoveries SET status = 'cancelled', error = $3, finished_at = now()
			WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
			RETURNING `+discoveryColumns, tenant, id, reason)
}

// UpdateDiscoveryProgress records how many pages and forms a running
// discovery has mapped so far; ErrNotFound when it is no longer running
// (cancelled), which tells the worker to stop.
func (s *Store) UpdateDiscoveryProgress(ctx context.Context, tenant, id uuid.UUID, pages, forms int) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE discoveries SET pages = $3, forms = $4 WHERE tenant_id = $1 AND id = $2 AND status = 'running'`,
			tenant, id, pages, forms)
		return exactlyOne("update discovery progress", tag, err)
	})
}
