package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/integrations/posthog"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// deliverySettings are read by every process that runs or schedules agents
// (`argus serve`, with or without --with-worker, and `argus worker`): both
// end agents (a worker by its verdict, the server by a cancellation), so
// both tell the integrations.
var deliverySettings = []config.Setting{
	config.BlobURL, config.WebhookAllowPrivate, config.WebhookAllowCIDRs,
	config.PostHogKey, config.PostHogHost,
	config.GitHubAppID, config.GitHubAppPrivateKey, config.GitHubAPIURL,
}

// Queue sizes of the integrations' River queues in a worker process. A
// delivery waits on someone else's server for up to its timeout, so these
// are independent of ARGUS_MAX_AGENTS: a slow receiver never takes a
// browser slot, nor the other way round.
const (
	webhookWorkers = 10
	githubWorkers  = 5
)

// testHookJobs, when a test sets it, is given the scheduler of `argus
// serve` and `argus worker` before it starts, so the test can subscribe to
// River's job events and drive webhook retries instead of waiting for
// their backoff. Nil outside tests.
var testHookJobs func(*jobs.Jobs)

// delivery is how results leave Argus: signed webhooks, GitHub issues,
// PostHog events, and the blob storage screenshots are kept in. It is
// built once per process from the configuration, so `argus serve` and
// `argus worker` wire exactly the same hooks.
type delivery struct {
	st        *store.Store
	log       *slog.Logger
	publicURL string

	blobs   storage.Blobs
	guard   webhook.GuardConfig
	webhook *webhook.Worker
	tracker posthog.Tracker
	// github is nil when no GitHub App is configured.
	github *github.Worker
}

// openDelivery builds the integrations cfg asks for. Errors about a
// setting's value are usage errors (exit 2). Close releases what it opened.
func openDelivery(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) (*delivery, error) {
	d := &delivery{st: st, log: log, publicURL: cfg.PublicURL,
		guard: webhook.GuardConfig{AllowPrivate: cfg.WebhookAllowPrivate, AllowCIDRs: cfg.WebhookAllowCIDRs}}
	var err error
	if d.blobs, err = storage.Open(ctx, cfg.BlobLocation()); err != nil {
		// The value's shape was checked with the settings; what fails
		// here is the place itself (a directory not writable, no
		// credentials for the bucket).
		return nil, fmt.Errorf("blob storage (ARGUS_BLOB_URL / ARGUS_BLOB_DIR): %w", err)
	}
	d.webhook = webhook.NewWorker(st, webhook.Config{Guard: d.guard, Logger: log})
	if cfg.GitHubAppID != 0 {
		r, err := github.NewReporter(github.Config{AppID: cfg.GitHubAppID, PrivateKey: cfg.GitHubAppPrivateKey, APIURL: cfg.GitHubAPIURL, Logger: log})
		if err != nil {
			d.Close()
			return nil, &usageError{msg: fmt.Sprintf("ARGUS_GITHUB_APP_ID / ARGUS_GITHUB_APP_PRIVATE_KEY: %v", err)}
		}
		d.github = github.NewWorker(r, github.StoreSource{Store: st, PublicURL: cfg.PublicURL}, log)
	}
	// Last, so that nothing above can fail with a tracker left unclosed.
	if d.tracker, err = posthog.New(posthog.Config{APIKey: cfg.PostHogKey, Host: cfg.PostHogHost, Logger: log}); err != nil {
		d.Close()
		return nil, &usageError{msg: fmt.Sprintf("ARGUS_POSTHOG_KEY / ARGUS_POSTHOG_HOST: %v", err)}
	}
	return d, nil
}

// wire plugs the integrations into a jobs configuration. The workers are
// registered even in an insert-only process (a server without an embedded
// worker): River refuses to insert a job whose kind no worker of the
// client knows, and the server inserts deliveries (a cancellation's
// agent.completed, an admin's redelivery). The queues are only worked
// where jobs runs agents.
func (d *delivery) wire(jc *jobs.Config) {
	jc.RegisterWorkers = func(w *river.Workers) error {
		if err := river.AddWorkerSafely(w, d.webhook); err != nil {
			return err
		}
		if d.github != nil {
			return river.AddWorkerSafely(w, d.github)
		}
		return nil
	}
	jc.Queues = map[string]river.QueueConfig{webhook.Queue: {MaxWorkers: webhookWorkers}}
	if d.github != nil {
		jc.Queues[github.QueueIntegrations] = river.QueueConfig{MaxWorkers: githubWorkers}
	}
	jc.AgentFinished = d.agentFinished
	jc.DiscoveryFinished = d.discoveryFinished
}

// discoveryFinished queues the discovery.completed webhook; its errors are
// logged, a discovery's result never depends on them.
func (d *delivery) discoveryFinished(ctx context.Context, c *river.Client[pgx.Tx], disc *store.Discovery) {
	pub := webhook.Publisher{Inserter: c, PublicURL: d.publicURL}
	if err := pub.DiscoveryFinished(ctx, d.st, disc.TenantID, disc.ID); err != nil {
		d.log.Error("queueing the discovery webhook", "discovery", disc.ID, "tenant", disc.TenantID, "error", err)
	}
}

// agentFinished tells every integration that an agent ended. It only
// enqueues (River jobs, PostHog's in-memory batch): the deliveries happen
// in their own jobs, with their own retries. Its errors are logged; an
// agent's verdict never depends on them.
func (d *delivery) agentFinished(ctx context.Context, c *river.Client[pgx.Tx], a *store.Agent, run *store.Run) {
	log := d.log.With("agent", a.ID, "tenant", a.TenantID)
	pub := webhook.Publisher{Inserter: c, PublicURL: d.publicURL}
	if err := pub.AgentFinished(ctx, d.st, a.TenantID, a.ID); err != nil {
		log.Error("queueing the webhook deliveries", "error", err)
	}
	if d.github != nil && reportsToGitHub(a.Status) {
		switch _, err := d.st.GetIntegration(ctx, a.TenantID, store.IntegrationGitHub, &run.ProjectID); {
		case errors.Is(err, store.ErrNotFound):
			// The project reports nowhere; no job to run.
		case err != nil:
			log.Error("reading the project's GitHub settings", "error", err)
		default:
			if _, err := c.Insert(ctx, github.ReportArgs{TenantID: a.TenantID, AgentID: a.ID}, nil); err != nil {
				log.Error("queueing the GitHub report", "error", err)
			}
		}
	}
	if err := d.tracker.AgentCompleted(ctx, posthog.FromAgent(a)); err != nil {
		log.Warn("queueing the analytics event", "error", err)
	}
}

// reportsToGitHub: verdicts a report is made for (the Reporter decides per
// project whether an error opens an issue, and a pass closes one).
func reportsToGitHub(s store.Status) bool {
	return s == store.StatusFailed || s == store.StatusPassed || s == store.StatusError
}

// redeliver is web.Config.Redeliver: an admin's fresh delivery of a
// recorded event, inserted with the process's River client.
func (d *delivery) redeliver(c *river.Client[pgx.Tx]) func(ctx context.Context, tenant, id uuid.UUID) error {
	return func(ctx context.Context, tenant, id uuid.UUID) error {
		return webhook.Redeliver(ctx, d.st, c, tenant, id)
	}
}

// validateWebhookURL is the check the API and the UI make when a
// project's webhook URL is saved; deliveries check again on every
// connection.
func (d *delivery) validateWebhookURL(ctx context.Context, raw string) error {
	return webhook.Validate(ctx, d.guard, raw)
}

// Close sends the analytics still queued and releases the blob storage's
// connections. Call it after the workers stopped, so that the events of
// the last agents are in the batch it flushes.
func (d *delivery) Close() error {
	var errs []error
	if d.tracker != nil {
		if err := d.tracker.Close(); err != nil {
			errs = append(errs, fmt.Errorf("posthog: %w", err))
		}
	}
	if c, ok := d.blobs.(io.Closer); ok {
		if err := c.Close(); err != nil {
			errs = append(errs, fmt.Errorf("blob storage: %w", err))
		}
	}
	return errors.Join(errs...)
}
