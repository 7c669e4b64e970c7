package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

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
	cfg, err := j.discoveryConfig(ctx, d)
	var res *discovery.Result
	if err == nil {
		progress, stop := j.discoveryProgress(ctx, d)
		cfg.OnProgress = progress
		res, err = discovery.Run(ctx, cfg)
		stop()
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
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
// not yet written); one goroutine writes them. stop waits for it.
func (j *Jobs) discoveryProgress(ctx context.Context, d *store.Discovery) (func(discovery.Progress), func()) {
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
				if err := j.cfg.Store.UpdateDiscoveryProgress(ctx, d.TenantID, d.ID, p.Pages, p.Forms); err != nil && ctx.Err() == nil {
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
