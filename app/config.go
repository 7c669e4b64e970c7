package app

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/discovery"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/store"
)

// Scheduler turns created runs into jobs and cancels them; package jobs
// implements it with River.
type Scheduler interface {
	// Enqueue is store.CreateRun's enqueue callback: it inserts one job
	// per agent in tx, so jobs exist exactly when the rows do.
	Enqueue(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error
	// CancelAgent cancels the agent's job, queued or running, and marks
	// the agent cancelled; a running agent's browser is destroyed within
	// 5 s.
	CancelAgent(ctx context.Context, tenant, agent uuid.UUID) error
}

// Config configures an App. Store, Scheduler, Blobs and Hub are required;
// every other field documents its default, applied by WithDefaults.
type Config struct {
	// Store is the tenant-scoped data access. Required.
	Store *store.Store
	// Scheduler schedules and cancels agents. Required.
	Scheduler Scheduler
	// Blobs holds screenshots. Required.
	Blobs storage.Blobs
	// Hub fans change events out to live streams; the caller runs it.
	// Required.
	Hub *events.Hub

	// PublicURL is the externally reachable base URL, for links in
	// answers and mail, and the trusted origin of cookie-authenticated
	// writes. Cookies are Secure when it is https. Default
	// "http://localhost:8080".
	PublicURL string

	// Mailer sends password-reset and invitation mail. Set it only when
	// mail really goes out (SMTP configured). Default nil: links are
	// logged in Development mode and otherwise handed to an admin to pass
	// on (invitations) or refused with advice (self-service resets).
	Mailer Mailer

	// Development allows what must never happen in production, such as
	// logging password-reset links. Default false.
	Development bool

	// TargetPolicy is where the browser may go: a project's base URL and
	// allowed origins are checked against it when saved and when a run
	// starts. Default: public addresses only (the server's default).
	TargetPolicy netpolicy.Policy

	// ValidateWebhookURL checks a webhook URL when it is saved (the
	// outbound guard), e.g. webhook.Validate with the process's guard
	// settings. Default nil: only the URL's form is checked; deliveries
	// check again when they connect.
	ValidateWebhookURL func(ctx context.Context, raw string) error

	// Redeliver queues a fresh delivery of a recorded webhook delivery,
	// e.g. webhook.Redeliver with the River client. Default nil:
	// redelivery is unavailable.
	Redeliver func(ctx context.Context, tenant, delivery uuid.UUID) error

	// SelectionModel, when set, ranks the tests a change may break
	// (Select); when it fails, or is nil (the default), the deterministic
	// covers:/tags matching picks them.
	SelectionModel llm.Model

	// OperatorTenant is the tenant (slug or id) whose administrators
	// operate the installation: they alone see the job queue of every
	// tenant (RequireOperator). Default "": the tenant created first.
	OperatorTenant string

	// WebhookRotationOverlap is how long a rotated-out webhook secret keeps
	// signing beside the new one. Default 24 h.
	WebhookRotationOverlap time.Duration

	// LoginAttempts is how many failed sign-ins (and reset requests) one
	// client address may make for one email per LoginWindow, through the
	// API and the UI together. Default 10 per 15 minutes.
	LoginAttempts int
	LoginWindow   time.Duration

	// APIKeyCacheTTL is how long a looked-up API key is reused without a
	// database read. Revoking a key through this process takes effect at
	// once; through another, within the TTL. Default 5 s; negative
	// disables the cache.
	APIKeyCacheTTL time.Duration

	// HeartbeatInterval is the interval of comment lines on idle event
	// streams, which keep proxies from closing them. Default 15 s.
	HeartbeatInterval time.Duration

	// DiscoveryMaxPages is the page budget of a discovery and the most one
	// may ask for (ARGUS_DISCOVERY_MAX_PAGES). Default 100.
	DiscoveryMaxPages int

	// MailDomain is the domain of the test mailboxes (ARGUS_MAIL_DOMAIN):
	// a project's mailbox is anything@<its label>.MailDomain. Default
	// mail.DefaultDomain.
	MailDomain string

	// M365 is the base of every Microsoft 365 connection: Microsoft's
	// endpoints, the HTTP client and logger (tests point it at a fake).
	// Default: Microsoft's public cloud (m365.Config's defaults).
	M365 m365.Config

	// Logger receives diagnostics; never secrets. Default: discard.
	Logger *slog.Logger

	// now is the clock (tests).
	now func() time.Time
}

// Defaults.
const (
	DefaultPublicURL              = "http://localhost:8080"
	DefaultLoginAttempts          = 10
	DefaultLoginWindow            = 15 * time.Minute
	DefaultAPIKeyCacheTTL         = 5 * time.Second
	DefaultHeartbeatInterval      = 15 * time.Second
	DefaultWebhookRotationOverlap = 24 * time.Hour
)

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL
	}
	if c.MailDomain == "" {
		c.MailDomain = mail.DefaultDomain
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.DiscoveryMaxPages <= 0 {
		c.DiscoveryMaxPages = discovery.DefaultMaxPages
	}
	if c.LoginAttempts <= 0 {
		c.LoginAttempts = DefaultLoginAttempts
	}
	if c.LoginWindow <= 0 {
		c.LoginWindow = DefaultLoginWindow
	}
	if c.APIKeyCacheTTL == 0 {
		c.APIKeyCacheTTL = DefaultAPIKeyCacheTTL
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.WebhookRotationOverlap <= 0 {
		c.WebhookRotationOverlap = DefaultWebhookRotationOverlap
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("app: Config.Store is required"))
	}
	if c.Scheduler == nil {
		errs = append(errs, errors.New("app: Config.Scheduler is required"))
	}
	if c.Blobs == nil {
		errs = append(errs, errors.New("app: Config.Blobs is required"))
	}
	if c.Hub == nil {
		errs = append(errs, errors.New("app: Config.Hub is required"))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("app: Config.PublicURL must be an absolute http(s) URL such as https://argus.example.com"))
	}
	return errors.Join(errs...)
}
