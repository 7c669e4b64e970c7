package webhook

import (
	"io"
	"log/slog"
	"net/netip"
	"time"
)

// Defaults.
const (
	// DefaultTimeout bounds one delivery attempt.
	DefaultTimeout = 10 * time.Second
	// DefaultRetryWindow is about how long a failing delivery is retried.
	DefaultRetryWindow = 24 * time.Hour
	// DefaultRotationWindow is how long an old secret keeps signing after
	// a rotation.
	DefaultRotationWindow = 24 * time.Hour
	// MaxAttempts is how often one event is tried before River discards it.
	MaxAttempts = 8
	// DefaultUserAgent identifies Argus to receivers.
	DefaultUserAgent = "Argus-Webhooks/1"
)

// Config configures a Worker.
type Config struct {
	// Timeout bounds one attempt: connecting, sending, and reading the
	// response headers and excerpt. Default 10 s.
	Timeout time.Duration

	// RetryWindow is the time from the first failed attempt to the last
	// retry; the delays between attempts grow threefold and add up to it.
	// Default 24 h. Tests shrink it to drive retries quickly.
	RetryWindow time.Duration

	// Guard decides which addresses deliveries may connect to. Default:
	// public addresses only.
	Guard GuardConfig

	// UserAgent is sent with every delivery. Default "Argus-Webhooks/1".
	UserAgent string

	// Logger receives one line per attempt, without URL paths or bodies.
	// Default: discard.
	Logger *slog.Logger
}

// GuardConfig says which non-public addresses webhook endpoints may use.
type GuardConfig struct {
	// AllowPrivate lets endpoints use loopback, private, link-local and
	// other non-public addresses (ARGUS_WEBHOOK_ALLOW_PRIVATE), for
	// receivers inside the operator's own network. Cloud-metadata
	// addresses stay refused unless listed in AllowCIDRs.
	AllowPrivate bool

	// AllowCIDRs are address ranges allowed even though they are not
	// public (ARGUS_WEBHOOK_ALLOW_CIDRS), for example 10.1.2.0/24 for one
	// internal receiver, or 127.0.0.1/32 in tests.
	AllowCIDRs []netip.Prefix

	// Resolver looks up host names. Default net.DefaultResolver.
	Resolver Resolver
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RetryWindow <= 0 {
		c.RetryWindow = DefaultRetryWindow
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}
