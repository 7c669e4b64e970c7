package jobs

import (
	"context"
	"errors"
	"fmt"
	"github.com/argusqa/argus/internal/netpolicy"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/video"
)

// Defaults of Config. The retention periods and the agent cap are product
// promises (see the trust center); change them only with the docs.
const (
	// DefaultMaxAgents is the per-node cap of agents run at once, equal to
	// the browser providers' cap of concurrent browsers.
	DefaultMaxAgents = browser.DefaultMaxSessions
	// DefaultJobTimeout bounds one agent job. An agent is bounded by its
	// test's timeout (10 minutes unless the test says otherwise) and by
	// its iteration and token budgets; this is the outer bound, well above
	// River's 1-minute default, which no agent run fits in.
	DefaultJobTimeout = 30 * time.Minute
	// DefaultRescueStuckJobsAfter is how long an agent job may stay
	// running before River takes its worker for dead and runs it again.
	// It must exceed the job timeout, or live agents would be rescued.
	DefaultRescueStuckJobsAfter = DefaultJobTimeout + 5*time.Minute
	// DefaultCompletedJobRetention, DefaultCancelledJobRetention and
	// DefaultDiscardedJobRetention say how long finished River jobs are
	// kept (the agents' own rows and steps are not affected).
	DefaultCompletedJobRetention = 2 * time.Hour
	DefaultCancelledJobRetention = 24 * time.Hour
	DefaultDiscardedJobRetention = 24 * time.Hour
	// DefaultPurgeInterval is how often expired sessions, reset tokens and
	// OAuth states are deleted. The shortest of those lifetimes is 10
	// minutes (OAuth states); expired rows are refused when presented
	// anyway, so the purge only keeps the tables small.
	DefaultPurgeInterval = 10 * time.Minute
	// DefaultReconcileInterval is how often agents whose jobs are gone
	// (their worker died on the last attempt) are recorded as errors.
	DefaultReconcileInterval = time.Minute
	// DefaultScheduleInterval is how often due schedules are fired, on
	// the minute: cron expressions have minute resolution, so a schedule
	// fires in the first seconds of its minute.
	DefaultScheduleInterval = time.Minute
	// DefaultReapInterval is how often a worker asks its browser provider
	// to remove orphaned browsers, when the provider can.
	DefaultReapInterval = 5 * time.Minute
	// DefaultRetryDelay is the wait before the second attempt after an
	// infrastructure failure; the third waits twice as long.
	DefaultRetryDelay = 10 * time.Second
	// MaxAttempts is how many times an agent job runs at most.
	MaxAttempts = 3
)

// Queue names.
const (
	// QueueAgents holds agent jobs; its concurrency per process is
	// Config.MaxAgents.
	QueueAgents = "agents"
	// QueueMaintenance holds the periodic maintenance jobs.
	QueueMaintenance = "maintenance"
)

// Config configures Jobs. The zero value of each optional field means its
// documented default.
type Config struct {
	// Pool is the database River and the store use. Required.
	Pool *pgxpool.Pool
	// Store records agents, steps and replays. Required; it needs a
	// keyring for tests that use secrets.
	Store *store.Store
	// Blobs keeps step screenshots and videos. Required when Browser is
	// set.
	Blobs storage.Blobs
	// Video configures the recording of agents whose test or project asks
	// for it (ffmpeg, frame rate, size cap).
	Video video.Config
	// PublicURL is the server's external base URL (ARGUS_PUBLIC_URL), the
	// base of the video_url recorded on agents. Default
	// http://localhost:8080.
	PublicURL string

	// SendMail, when set, sends the schedules' digest mail (the server's
	// SMTP mailer); the digest job runs with it every minute. Default nil:
	// no digest job, and digests wait for a worker that has a mailer.
	SendMail func(ctx context.Context, to, subject, body string) error

	// Browser hands out one browser per agent. Nil makes an insert-only
	// Jobs: Enqueue and CancelAgent work, Start works no jobs (a server
	// without an embedded worker).
	Browser browser.Provider
	// TargetPolicy is where agents' browsers may send requests, checked on
	// every request after resolution (with the project's origins and
	// third-party setting). Nil means the strict default: public addresses
	// only.
	TargetPolicy *netpolicy.Policy
	// Model decides the agents' next actions. Nil means no model: tests
	// with explicit steps or a saved replay run, goal-only tests end with
	// an error verdict saying a model is needed.
	Model llm.Model
	// Agent is the template of every agent's configuration; its Model and
	// Logger are set from this Config.
	Agent agent.Config

	// MaxAgents is how many agents this process runs at once (River queue
	// "agents" MaxWorkers). Default 5. The browser provider should allow
	// at least as many sessions.
	MaxAgents int
	// JobTimeout bounds one agent job; default 30 minutes.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may be running before River
	// takes it for lost and schedules it again as a new attempt. Default
	// JobTimeout + 5 minutes; it must exceed JobTimeout.
	RescueStuckJobsAfter time.Duration
	// DiscoveryTimeout bounds one discovery job. Default 20 minutes.
	DiscoveryTimeout time.Duration
	// RetryDelay is the wait before retrying an agent after an
	// infrastructure failure, multiplied by the attempt that failed.
	// Default 10 s.
	RetryDelay time.Duration

	// CompletedJobRetention, CancelledJobRetention and
	// DiscardedJobRetention are how long River keeps finished jobs.
	// Defaults 2 h, 24 h and 24 h.
	CompletedJobRetention time.Duration
	CancelledJobRetention time.Duration
	DiscardedJobRetention time.Duration

	// PurgeInterval is how often the periodic purge of expired sessions,
	// reset tokens, OAuth states and old test mail runs. Default 10 minutes.
	PurgeInterval time.Duration
	// MailRetention is how long received test mail is kept
	// (ARGUS_MAIL_RETENTION). Default 24 h (mail.DefaultRetention).
	MailRetention time.Duration
	// MailDomain is the domain of the test mailboxes (ARGUS_MAIL_DOMAIN):
	// an agent of a test that uses email gets a fresh address
	// name-xxxxx@<project label>.MailDomain, read from the project's
	// mailbox in the database, where whichever process runs the SMTP
	// receiver keeps it. Default mail.DefaultDomain.
	MailDomain string
	// M365 is the base of the Microsoft 365 connections agents read mail
	// through: Microsoft's endpoints, the HTTP client, the logger (tests
	// point it at a fake). Default: Microsoft's public cloud.
	M365 m365.Config
	// ReconcileInterval is how often agents left open by a job that
	// ended without them (a worker killed on the last attempt) are
	// recorded as errors with reason "worker_lost". Default 1 minute.
	ReconcileInterval time.Duration
	// ScheduleInterval is how often the leader's periodic job fires the
	// schedules that are due, at whole multiples of it (on the minute).
	// Default 1 minute.
	ScheduleInterval time.Duration
	// ReapInterval is how often orphaned browsers are reaped when the
	// browser provider can (it has a Reap method). Default 5 minutes;
	// negative disables it.
	ReapInterval time.Duration

	// RegisterWorkers, when set, adds workers of other packages (webhook
	// delivery, integrations) to this process's River workers.
	RegisterWorkers func(w *river.Workers) error
	// Queues are extra queues this process works, e.g. {"webhooks":
	// {MaxWorkers: 10}}, for the jobs of RegisterWorkers.
	Queues map[string]river.QueueConfig
	// PeriodicJobs are extra periodic jobs of other packages.
	PeriodicJobs []*river.PeriodicJob
	// AgentFinished, when set, is called once for every agent that ends —
	// its verdict recorded by a worker, its cancellation by CancelAgent,
	// its loss by the reconciliation — with the agent and its run as
	// stored just after. Integrations enqueue their notifications here
	// (webhook deliveries, issues, analytics) with the River client given.
	// It runs in the worker's goroutine: it should only enqueue, and it
	// logs its own errors (an agent's verdict never depends on it).
	AgentFinished func(ctx context.Context, c *river.Client[pgx.Tx], agent *store.Agent, run *store.Run)

	// DiscoveryFinished, when set, is called once for every discovery that
	// ends, as stored just after, like AgentFinished (webhooks).
	DiscoveryFinished func(ctx context.Context, c *river.Client[pgx.Tx], d *store.Discovery)

	// Observer hears of agents starting and ending and of every step
	// recorded, for metrics. Default: nothing is observed.
	Observer Observer

	// Logger receives diagnostics. Default: discard.
	Logger *slog.Logger

	// now is the clock schedules fire by (tests). Default time.Now.
	now func() time.Time
	// riverTest makes River skip its production start-up jitter (tests).
	riverTest bool
	// fetchPoll overrides River's fetch intervals (tests, benchmarks).
	fetchCooldown, fetchPoll time.Duration
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.TargetPolicy == nil {
		c.TargetPolicy = &netpolicy.Policy{}
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.Video.Logger == nil {
		c.Video.Logger = c.Logger
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	if c.MaxAgents == 0 {
		c.MaxAgents = DefaultMaxAgents
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = DefaultJobTimeout
	}
	if c.RescueStuckJobsAfter == 0 {
		c.RescueStuckJobsAfter = c.JobTimeout + 5*time.Minute
	}
	if c.DiscoveryTimeout == 0 {
		c.DiscoveryTimeout = DefaultDiscoveryTimeout
	}
	if c.RetryDelay == 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.CompletedJobRetention == 0 {
		c.CompletedJobRetention = DefaultCompletedJobRetention
	}
	if c.CancelledJobRetention == 0 {
		c.CancelledJobRetention = DefaultCancelledJobRetention
	}
	if c.DiscardedJobRetention == 0 {
		c.DiscardedJobRetention = DefaultDiscardedJobRetention
	}
	if c.PurgeInterval == 0 {
		c.PurgeInterval = DefaultPurgeInterval
	}
	if c.MailRetention <= 0 {
		c.MailRetention = mail.DefaultRetention
	}
	if c.MailDomain == "" {
		c.MailDomain = mail.DefaultDomain
	}
	if c.ScheduleInterval == 0 {
		c.ScheduleInterval = DefaultScheduleInterval
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.ReconcileInterval == 0 {
		c.ReconcileInterval = DefaultReconcileInterval
	}
	if c.ReapInterval == 0 {
		c.ReapInterval = DefaultReapInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Agent.Model = c.Model
	if c.Agent.Logger == nil {
		c.Agent.Logger = c.Logger
	}
	return c
}

func (c Config) validate() error {
	if c.Pool == nil {
		return errors.New("jobs: no database pool")
	}
	if c.Store == nil {
		return errors.New("jobs: no store")
	}
	if err := mail.CheckDomain(c.MailDomain); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if c.Browser != nil && c.Blobs == nil {
		return errors.New("jobs: a worker (Browser set) needs blob storage for screenshots")
	}
	if c.MaxAgents < 1 || c.MaxAgents > 64 {
		return fmt.Errorf("jobs: MaxAgents %d out of range 1..64", c.MaxAgents)
	}
	if c.JobTimeout < time.Second {
		return fmt.Errorf("jobs: JobTimeout %v is shorter than a second", c.JobTimeout)
	}
	if c.RescueStuckJobsAfter <= c.JobTimeout {
		return fmt.Errorf("jobs: RescueStuckJobsAfter (%v) must exceed JobTimeout (%v), or running agents would be rescued", c.RescueStuckJobsAfter, c.JobTimeout)
	}
	for name, d := range map[string]time.Duration{
		"RetryDelay": c.RetryDelay, "CompletedJobRetention": c.CompletedJobRetention,
		"CancelledJobRetention": c.CancelledJobRetention, "DiscardedJobRetention": c.DiscardedJobRetention,
		"PurgeInterval": c.PurgeInterval, "ReconcileInterval": c.ReconcileInterval,
	} {
		if d <= 0 {
			return fmt.Errorf("jobs: %s must be positive, got %v", name, d)
		}
	}
	for name := range c.Queues {
		if name == QueueAgents || name == QueueMaintenance || name == QueueDiscovery {
			return fmt.Errorf("jobs: queue %q is Argus's own", name)
		}
	}
	return nil
}
