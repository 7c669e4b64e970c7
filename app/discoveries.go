package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// DiscoveryScheduler runs discoveries; the job system (jobs.Jobs) is one.
// A Scheduler that is not one leaves discovery unavailable.
type DiscoveryScheduler interface {
	// EnqueueDiscovery is store.CreateDiscovery's enqueue callback.
	EnqueueDiscovery(ctx context.Context, tx pgx.Tx, d *store.Discovery) error
	// CancelDiscovery marks a queued or running discovery cancelled and
	// cancels its job, whose crawl stops and closes its browsers; one
	// already ended is returned as it is.
	CancelDiscovery(ctx context.Context, tenant, id uuid.UUID) (*store.Discovery, error)
}

// DiscoveryInput starts a discovery.
type DiscoveryInput struct {
	// MaxPages is the page budget; 0 means the server's
	// (ARGUS_DISCOVERY_MAX_PAGES), which is also the most allowed.
	MaxPages int
	// Persona, when set, names the project's persona discovery signs in
	// as, with its username (or email) and password secret.
	Persona string
	// LoginPath is the sign-in page of the persona; default /login.
	LoginPath string
}

// StartDiscovery queues a discovery of a project's application. It obeys
// the project's base URL and allowed origins under the server's target
// policy (checked again by the worker on every URL), and the project's
// rule on destructive forms.
func (a *App) StartDiscovery(ctx context.Context, p *Principal, project uuid.UUID, in DiscoveryInput) (*store.Discovery, error) {
	proj, err := a.store.GetProject(ctx, p.TenantID, project)
	if err != nil {
		return nil, err
	}
	var fields []FieldError
	if in.MaxPages == 0 {
		in.MaxPages = a.cfg.DiscoveryMaxPages
	}
	if in.MaxPages < 1 || in.MaxPages > a.cfg.DiscoveryMaxPages {
		fields = append(fields, FieldError{"max_pages", fmt.Sprintf("max_pages must be 1 to %d (ARGUS_DISCOVERY_MAX_PAGES)", a.cfg.DiscoveryMaxPages)})
	}
	in.Persona = strings.TrimSpace(in.Persona)
	in.LoginPath = strings.TrimSpace(in.LoginPath)
	if in.LoginPath == "" {
		in.LoginPath = "/login"
	}
	if !strings.HasPrefix(in.LoginPath, "/") || len(in.LoginPath) > 500 {
		fields = append(fields, FieldError{"login_path", "login_path must be a path starting with /, such as /login"})
	}
	if in.Persona != "" {
		per, err := a.store.GetPersona(ctx, p.TenantID, project, in.Persona)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fields = append(fields, FieldError{"persona", fmt.Sprintf("project %q has no persona %q", proj.Name, in.Persona)})
		case err != nil:
			return nil, err
		case per.PasswordSecret == "" || (per.Username == "" && per.Email == ""):
			fields = append(fields, FieldError{"persona", fmt.Sprintf("persona %q needs a username (or email) and a password secret to sign in", in.Persona)})
		}
	}
	if len(fields) > 0 {
		return nil, invalid("the discovery cannot start", fields...)
	}
	if err := a.checkTargets(ctx, proj.BaseURL, proj.AllowedOrigins); err != nil {
		return nil, err
	}
	ds, ok := a.cfg.Scheduler.(DiscoveryScheduler)
	if !ok {
		return nil, &Error{Code: CodeUnavailable, Detail: "this server runs no discoveries"}
	}
	return a.store.CreateDiscovery(ctx, p.TenantID, project, store.DiscoveryInput{Persona: in.Persona, LoginPath: in.LoginPath, MaxPages: in.MaxPages},
		ds.EnqueueDiscovery)
}

// GetDiscovery returns one of the tenant's discoveries with its result.
func (a *App) GetDiscovery(ctx context.Context, p *Principal, id uuid.UUID) (*store.Discovery, error) {
	return a.store.GetDiscovery(ctx, p.TenantID, id)
}

// ListDiscoveries lists a project's latest 20 discoveries, newest first.
func (a *App) ListDiscoveries(ctx context.Context, p *Principal, project uuid.UUID) ([]store.Discovery, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	return a.store.ListDiscoveries(ctx, p.TenantID, project, 20)
}

// ErrDiscoveryFinished refuses to cancel a discovery that ended (done or
// in error), as cancelling a finished agent is refused.
var ErrDiscoveryFinished = conflictErr("the discovery has already finished")

// CancelDiscovery cancels one of the tenant's queued or running
// discoveries: its job is cancelled and its browsers closed. Cancelling
// one already cancelled answers it again (a retried request is not an
// error); one that finished otherwise is ErrDiscoveryFinished.
func (a *App) CancelDiscovery(ctx context.Context, p *Principal, id uuid.UUID) (*store.Discovery, error) {
	d, err := a.store.GetDiscovery(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	if d.Status == store.DiscoveryCancelled {
		return d, nil
	}
	if d.Status.Final() {
		return nil, ErrDiscoveryFinished
	}
	ds, ok := a.cfg.Scheduler.(DiscoveryScheduler)
	if !ok {
		return nil, &Error{Code: CodeUnavailable, Detail: "this server runs no discoveries"}
	}
	d, err = ds.CancelDiscovery(ctx, p.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("cancel discovery: %w", err)
	}
	if d.Status != store.DiscoveryCancelled {
		return nil, ErrDiscoveryFinished // it ended meanwhile
	}
	return d, nil
}

// AcceptDiscovery adds the suggested tests of a finished discovery to its
// project, as the person reviewed them: yamlText is the suggested test
// file, possibly edited, synced like any test file (tests upserted by
// name, every problem with its line).
func (a *App) AcceptDiscovery(ctx context.Context, p *Principal, id uuid.UUID, yamlText string) ([]store.TestChange, error) {
	d, err := a.store.GetDiscovery(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	if d.Status != store.DiscoveryDone {
		return nil, conflictErr("the discovery has not finished")
	}
	if strings.TrimSpace(yamlText) == "" {
		return nil, invalid("no tests to accept", FieldError{"yaml", "the suggested tests are empty"})
	}
	if len(yamlText) > suite.MaxFileSize {
		return nil, invalid("the tests are too long", FieldError{"yaml", fmt.Sprintf("at most %d bytes", suite.MaxFileSize)})
	}
	return a.SyncTestFiles(ctx, p, d.ProjectID, []TestFile{{Path: "discovered-" + d.ID.String()[:8] + ".yaml", Content: yamlText}})
}

// DiscoveryMaxPages is the page budget a discovery gets unless it asks
// for less, and the most it may ask for.
func (a *App) DiscoveryMaxPages() int { return a.cfg.DiscoveryMaxPages }
