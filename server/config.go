package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/server/metrics"
	"github.com/argusqa/argus/store"
)

// Config configures a Server. Store, Scheduler, Hub and Blobs are
// required; every other field has a documented default applied by
// WithDefaults.
type Config struct {
	// Store is the tenant-scoped data access. Required.
	Store *store.Store

	// Scheduler turns created runs into jobs and cancels them. Required.
	Scheduler Scheduler

	// Hub fans change events out to Server-Sent Events streams; the caller
	// runs it (Hub.Run). Required.
	Hub *events.Hub

	// Blobs holds step screenshots. Required.
	Blobs storage.Blobs

	// Fallback, when set, answers every path no route matches outside
	// /api/ — the web UI mounts here. It gets the security headers and
	// gzip but no authentication: it does its own.
	Fallback http.Handler

	// PublicURL is the externally reachable base URL, used in links in
	// responses and mail. Cookies are marked Secure when it is https.
	// Default "http://localhost:8080".
	PublicURL string

	// Logger receives request errors and diagnostics. Default: discard.
	Logger *slog.Logger

	// Metrics are the Prometheus collectors served on /metrics. Default:
	// metrics.New() with the database collectors registered.
	Metrics *metrics.Metrics

	// Mailer sends password-reset and invitation mail. Default: a
	// LogMailer, which logs that mail was due (with its links only when
	// Development is set).
	Mailer Mailer

	// Development allows what must never happen in production, such as
	// logging password-reset links. Default false.
	Development bool

	// ValidateWebhookURL checks a project's webhook URL when it is saved
	// (the outbound guard: no loopback, private or metadata addresses
	// unless allowed), e.g. webhook.Validate with the process's guard
	// settings. Its error is answered as a 400 naming webhook_url.
	// Default nil: only the URL's form is checked when saved, and the
	// delivery's own guard refuses bad addresses at send time.
	ValidateWebhookURL func(ctx context.Context, raw string) error

	// MaxBodyBytes bounds a JSON request body. Default 1 MiB.
	MaxBodyBytes int64

	// MaxUploadBytes bounds the body of POST …/test-files, which carries
	// whole test files. Default 8 MiB.
	MaxUploadBytes int64

	// LoginAttempts is how many failed logins (and reset requests) one
	// client address may make for one email per LoginWindow before it is
	// answered 429. Default 10 per 15 minutes.
	LoginAttempts int
	LoginWindow   time.Duration

	// APIKeyCacheTTL is how long a looked-up API key is reused without a
	// database read. Revoking a key through this server takes effect at
	// once; through another server process, within the TTL. Default 5 s;
	// negative disables the cache.
	APIKeyCacheTTL time.Duration

	// HeartbeatInterval is the interval of comment lines on idle event
	// streams, which keep proxies from closing them. Default 15 s.
	HeartbeatInterval time.Duration

	// ReadTimeout and WriteTimeout bound a request (event streams are
	// exempt). Default 5 minutes each, from the trust-center spec.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// ShutdownTimeout is how long Serve waits for requests in flight once
	// its context ends. Default 30 s.
	ShutdownTimeout time.Duration
}

// Defaults.
const (
	DefaultPublicURL         = "http://localhost:8080"
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxUploadBytes    = 8 << 20
	DefaultLoginAttempts     = 10
	DefaultLoginWindow       = 15 * time.Minute
	DefaultAPIKeyCacheTTL    = 5 * time.Second
	DefaultHeartbeatInterval = 15 * time.Second
	DefaultTimeout           = 5 * time.Minute
	DefaultShutdownTimeout   = 30 * time.Second
)

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Mailer == nil {
		c.Mailer = &LogMailer{Logger: c.Logger, ShowBody: c.Development}
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxUploadBytes == 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.LoginAttempts == 0 {
		c.LoginAttempts = DefaultLoginAttempts
	}
	if c.LoginWindow == 0 {
		c.LoginWindow = DefaultLoginWindow
	}
	if c.APIKeyCacheTTL == 0 {
		c.APIKeyCacheTTL = DefaultAPIKeyCacheTTL
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultTimeout
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("server: Config.Store is required"))
	}
	if c.Scheduler == nil {
		errs = append(errs, errors.New("server: Config.Scheduler is required"))
	}
	if c.Hub == nil {
		errs = append(errs, errors.New("server: Config.Hub is required"))
	}
	if c.Blobs == nil {
		errs = append(errs, errors.New("server: Config.Blobs is required"))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("server: Config.PublicURL must be an absolute http(s) URL"))
	}
	return errors.Join(errs...)
}
