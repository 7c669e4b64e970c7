package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/discovery"
	"github.com/argusqa/argus/store"
)

// QueueDiscovery holds discovery jobs. One runs at a time per worker: a
// discovery uses up to discovery.MaxParallel browsers of the node's cap,
// which it shares with the agents.
const QueueDiscovery = "discovery"

// DefaultDiscoveryTimeout bounds one discovery: a budget of 100 page
// loads takes a few minutes on two cores.
const DefaultDiscoveryTimeout = 20 * time.Minute

// DiscoveryArgs is the job that runs one discovery; ids only, like
// AgentArgs.
type DiscoveryArgs struct {
	TenantID    uuid.UUID `json:"tenant_id"`
	DiscoveryID uuid.UUID `json:"discovery_id"`
}

// Kind implements river.JobArgs.
func (DiscoveryArgs) Kind() string { return "discovery" }

// InsertOpts: a discovery that failed on infrastructure is not retried;
// its error is recorded and the user starts another.
func (DiscoveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDiscovery, MaxAttempts: 1}
}

// EnqueueDiscovery inserts the job of a discovery in tx, the transaction
// of store.CreateDiscovery.
func (j *Jobs) EnqueueDiscovery(ctx context.Context, tx pgx.Tx, d *store.Discovery) error {
	if _, err := j.client.InsertTx(ctx, tx, DiscoveryArgs{TenantID: d.TenantID, DiscoveryID: d.ID}, nil); err != nil {
		return fmt.Errorf("enqueue discovery: %w", err)
	}
	return nil
}

// errDiscoveryCancelled ends the job of a cancelled discovery.
var errDiscoveryCancelled = errors.New("the discovery was cancelled")

// discoveryCancelReason is recorded on discoveries cancelled by request.
const discoveryCancelReason = "cancelled by request"

// CancelDiscovery cancels one of tenant's discoveries: a queued or
// running one is marked cancelled (and the integrations told it ended),
// then its River job is cancelled — before it starts, or in whichever
// worker holds it, whose crawl then stops and closes its browsers. It
// returns the discovery as stored after; one that had already ended is
// returned unchanged. Another tenant's gives store.ErrNotFound.
func (j *Jobs) CancelDiscovery(ctx context.Context, tenant, id uuid.UUID) (*store.Discovery, error) {
	d, err := j.cfg.Store.CancelDiscovery(ctx, tenant, id, discoveryCancelReason)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Ended already, or not tenant's: GetDiscovery tells which.
		if d, err = j.cfg.Store.GetDiscovery(ctx, tenant, id); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if j.cfg.DiscoveryFinished != nil {
			j.cfg.DiscoveryFinished(ctx, j.client, d)
		}
	}
	args, err := json.Marshal(DiscoveryArgs{TenantID: tenant, DiscoveryID: id})
	if err != nil {
		return nil, err
	}
	rows, err := j.cfg.Pool.Query(ctx, `SELECT id FROM river_job WHERE kind = $1 AND args @> $2::jsonb
		AND state NOT IN ($3, $4, $5)`, DiscoveryArgs{}.Kind(), string(args),
		rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded)
	if err != nil {
		return nil, fmt.Errorf("find the job of discovery %s: %w", id, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("find the job of discovery %s: %w", id, err)
	}
	for _, jid := range ids {
		if _, err := j.client.JobCancel(ctx, jid); err != nil && !errors.Is(err, river.ErrNotFound) {
			return nil, fmt.Errorf("cancel job %d of discovery %s: %w", jid, id, err)
		}
	}
	return d, nil
}

type discoveryWorker struct {
	river.WorkerDefaults[DiscoveryArgs]
	j *Jobs
}

func (w *discoveryWorker) Timeout(*river.Job[DiscoveryArgs]) time.Duration {
	return w.j.cfg.DiscoveryTimeout
}

func (w *discoveryWorker) Work(ctx context.Context, job *river.Job[DiscoveryArgs]) error {
	j := w.j
	tenant, id := job.Args.TenantID, job.Args.DiscoveryID
	log := j.cfg.Logger.With("discovery", id, "tenant", tenant)
	d, err := j.cfg.Store.StartDiscovery(ctx, tenant, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted with its project, or already ended
	}
	if err != nil {
		return err
	}
	// run ends when the job is cancelled (CancelDiscovery, through River)
	// or when the row is no longer running (cancelled in the database
	// only), which the progress writer notices.
	run, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	cfg, err := j.discoveryConfig(run, d)
	var res *discovery.Result
	if err == nil {
		progress, stop := j.discoveryProgress(run, d, stopRun)
		cfg.OnProgress = progress
		res, err = discovery.Run(run, cfg)
		stop()
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if run.Err() != nil {
		// Cancelled: the row says so already, with its reason, and
		// CancelDiscovery told the integrations. The job ends cancelled.
		if now, gerr := j.cfg.Store.GetDiscovery(fctx, tenant, id); gerr == nil && now.Status == store.DiscoveryCancelled {
			log.Info("discovery cancelled", "pages", now.Pages)
			return river.JobCancel(errDiscoveryCancelled)
		}
	}
	var out store.DiscoveryResult
	if err != nil {
		log.Warn("discovery failed", "error", err)
		out.Error = err.Error()
	} else {
		mj, err := res.MapJSON()
		if err != nil {
			return err
		}
		out = store.DiscoveryResult{Pages: len(res.Map.Pages), Forms: res.Map.Forms(),
			SuggestedCount: len(res.Tests), AppMap: mj, SuggestedYAML: string(res.SuggestedYAML())}
		log.Info("discovery done", "pages", out.Pages, "forms", out.Forms, "suggested", out.SuggestedCount)
	}
	ended, err := j.cfg.Store.FinishDiscovery(fctx, tenant, id, out)
	if errors.Is(err, store.ErrNotFound) {
		// Cancelled just as it ended: the cancellation stands.
		return river.JobCancel(errDiscoveryCancelled)
	}
	if err != nil {
		return err
	}
	if j.cfg.DiscoveryFinished != nil {
		j.cfg.DiscoveryFinished(fctx, j.client, ended)
	}
	return nil
}

// discoveryConfig is the crawl of a discovery: the project's base URL and
// allowed origins under the server's target policy, its rule on
// destructive forms, and the persona's credentials from the vault.
func (j *Jobs) discoveryConfig(ctx context.Context, d *store.Discovery) (discovery.Config, error) {
	p, err := j.cfg.Store.GetProject(ctx, d.TenantID, d.ProjectID)
	if err != nil {
		return discovery.Config{}, err
	}
	cfg := discovery.Config{
		Browser: j.cfg.Browser, BaseURL: p.BaseURL, AllowedOrigins: p.AllowedOrigins, Policy: *j.cfg.TargetPolicy,
		MaxPages: d.MaxPages, Parallel: min(discovery.MaxParallel, j.cfg.MaxAgents), AllowDestructive: p.DiscoveryAllowDestructive,
		Logger: j.cfg.Logger, Model: j.cfg.Model,
	}
	if d.Persona != "" {
		per, err := j.cfg.Store.GetPersona(ctx, d.TenantID, d.ProjectID, d.Persona)
		if err != nil {
			return cfg, fmt.Errorf("persona %q: %w", d.Persona, err)
		}
		if per.PasswordSecret == "" {
			return cfg, fmt.Errorf("persona %q has no password secret to sign in with", d.Persona)
		}
		secrets, err := j.cfg.Store.SecretValues(ctx, d.TenantID, d.ProjectID)
		if err != nil {
			return cfg, fmt.Errorf("open the project's secrets: %w", err)
		}
		pw, ok := secrets[per.PasswordSecret]
		if !ok {
			return cfg, fmt.Errorf("persona %q: the project has no secret %q", d.Persona, per.PasswordSecret)
		}
		user := per.Username
		if user == "" {
			user = per.Email
		}
		cfg.Persona = &discovery.Persona{LoginPath: d.LoginPath, Username: user, Password: pw, PasswordSecret: per.PasswordSecret}
	}
	return cfg, nil
}

// discoveryProgress records the pages mapped so far for the live views.
// The crawl hands counts over without waiting (a newer count replaces one
// not yet written); one goroutine writes them. stop waits for it. A row
// that is no longer running (cancelled) ends the crawl through end.
func (j *Jobs) discoveryProgress(ctx context.Context, d *store.Discovery, end context.CancelCauseFunc) (func(discovery.Progress), func()) {
	latest := make(chan discovery.Progress, 1)
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case p := <-latest:
				err := j.cfg.Store.UpdateDiscoveryProgress(ctx, d.TenantID, d.ID, p.Pages, p.Forms)
				switch {
				case err == nil || ctx.Err() != nil:
				case errors.Is(err, store.ErrNotFound):
					end(errDiscoveryCancelled)
					return
				default:
					j.cfg.Logger.Debug("discovery progress not recorded", "discovery", d.ID, "error", err)
				}
			}
		}
	}()
	report := func(p discovery.Progress) {
		for {
			select {
			case latest <- p:
				return
			default:
				select {
				case <-latest: // drop the stale count
				default:
				}
			}
		}
	}
	return report, func() { cancel(); <-done }
}
