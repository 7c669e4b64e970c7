package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// Scheduler turns created runs into jobs and cancels agents. It is the
// contract between the API server and package jobs; *jobs.Jobs satisfies
// it.
type Scheduler interface {
	// Enqueue is store.CreateRun's enqueue callback: it inserts one job
	// per agent in tx.
	Enqueue(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error
	// CancelAgent cancels the agent (queued or running), marks it
	// cancelled and updates its run.
	CancelAgent(ctx context.Context, tenant, agent uuid.UUID) error
}

// Mailer sends one plain-text mail (password-reset links, invitations).
type Mailer interface {
	SendMail(ctx context.Context, to, subject, body string) error
}

// MailerFunc adapts a function to Mailer, e.g. to wrap server.Mailer:
//
//	web.MailerFunc(func(ctx context.Context, to, subject, body string) error {
//		return m.Send(ctx, server.Mail{To: to, Subject: subject, Body: body})
//	})
type MailerFunc func(ctx context.Context, to, subject, body string) error

// SendMail implements Mailer.
func (f MailerFunc) SendMail(ctx context.Context, to, subject, body string) error {
	return f(ctx, to, subject, body)
}

// Config configures the UI. Store, Scheduler, Blobs and Hub are required.
type Config struct {
	// Store is the tenant-scoped data access. Required.
	Store *store.Store

	// Scheduler schedules the agents of a run and cancels them. Required.
	Scheduler Scheduler

	// Blobs holds step screenshots. Required.
	Blobs storage.Blobs

	// Hub fans change events out to the live pages; the caller runs it
	// (Hub.Run). Required.
	Hub *events.Hub

	// PublicURL is the externally reachable base URL, used in mailed
	// links and as the trusted origin for writes. Cookies are Secure when
	// it is https. Default "http://localhost:8080".
	PublicURL string

	// Mailer sends password-reset and invitation links. Set it only when
	// mail really goes out (SMTP configured): the UI then tells people a
	// link was mailed. Default nil: in Development mode links are logged,
	// otherwise people are told to ask an admin, and invitation links are
	// shown to the inviting admin once.
	Mailer Mailer

	// Redeliver queues a fresh delivery of a recorded webhook delivery,
	// e.g. webhook.Redeliver with the River client of package jobs.
	// Default nil: the delivery log has no redeliver button.
	Redeliver func(ctx context.Context, tenant, delivery uuid.UUID) error

	// Logger receives request errors. Default: discard.
	Logger *slog.Logger

	// Development logs password-reset links and reads nothing else
	// differently. Default false.
	Development bool

	// ValidateWebhookURL checks a webhook URL when an admin saves it (the
	// outbound guard), e.g. webhook.Validate with the process's guard
	// settings; its error is shown beside the field. Default nil: only
	// the URL's form is checked.
	ValidateWebhookURL func(ctx context.Context, raw string) error

	// HeartbeatInterval is the interval of comment lines on idle live
	// streams, which keep proxies from closing them. Default 15 s.
	HeartbeatInterval time.Duration

	// LoginAttempts is how many failed sign-ins (and reset requests) one
	// client address may make for one email per LoginWindow before it is
	// refused. Default 10 per 15 minutes, as in the API.
	LoginAttempts int
	LoginWindow   time.Duration

	// WebhookRotationOverlap is how long a rotated-out webhook secret keeps
	// signing beside the new one. Default 24 h.
	WebhookRotationOverlap time.Duration
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 15 * time.Second
	}
	if c.LoginAttempts <= 0 {
		c.LoginAttempts = 10
	}
	if c.LoginWindow <= 0 {
		c.LoginWindow = 15 * time.Minute
	}
	if c.WebhookRotationOverlap <= 0 {
		c.WebhookRotationOverlap = 24 * time.Hour
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("web: Config.Store is required"))
	}
	if c.Scheduler == nil {
		errs = append(errs, errors.New("web: Config.Scheduler is required"))
	}
	if c.Blobs == nil {
		errs = append(errs, errors.New("web: Config.Blobs is required"))
	}
	if c.Hub == nil {
		errs = append(errs, errors.New("web: Config.Hub is required"))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("web: Config.PublicURL must be an http(s) URL such as https://argus.example.com"))
	}
	return errors.Join(errs...)
}
