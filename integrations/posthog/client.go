package posthog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	ph "github.com/posthog/posthog-go"

	"github.com/argusqa/argus/internal/outbound"
)

// DefaultHost is PostHog's EU cloud, matching where Argus keeps its data.
const DefaultHost = "https://eu.i.posthog.com"

// Config configures the PostHog tracker.
type Config struct {
	// APIKey is the PostHog project API key (ARGUS_POSTHOG_KEY). Empty
	// turns tracking off.
	APIKey string

	// Host is the PostHog instance (ARGUS_POSTHOG_HOST). Default
	// https://eu.i.posthog.com; US cloud is https://us.i.posthog.com.
	Host string

	// FlushInterval is how long events wait to be sent in a batch.
	// Default 5 s.
	FlushInterval time.Duration

	// Transport carries the requests. Default outbound.Transport (the
	// spec's connection pool).
	Transport http.RoundTripper

	// Logger receives the client's errors. Default: discard.
	Logger *slog.Logger
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Host == "" {
		c.Host = DefaultHost
	}
	c.Host = strings.TrimRight(c.Host, "/")
	if c.Transport == nil {
		c.Transport = outbound.Transport
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = ph.DefaultInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// Client is the Tracker that sends to PostHog.
type Client struct {
	ph ph.Client
}

// New returns a PostHog tracker, or Nop when cfg.APIKey is empty.
func New(cfg Config) (Tracker, error) {
	if cfg.APIKey == "" {
		return Nop{}, nil
	}
	cfg = cfg.WithDefaults()
	u, err := url.Parse(cfg.Host)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("posthog: host %q must be an absolute http(s) URL", cfg.Host)
	}
	c, err := ph.NewWithConfig(cfg.APIKey, ph.Config{
		Endpoint:  cfg.Host,
		Interval:  cfg.FlushInterval,
		Transport: cfg.Transport,
		Logger:    slogLogger{cfg.Logger.With("component", "posthog")},
	})
	if err != nil {
		return nil, fmt.Errorf("posthog: %w", err)
	}
	return &Client{ph: c}, nil
}

// AgentCompleted queues the event; the client sends it in the background.
func (c *Client) AgentCompleted(_ context.Context, ev AgentCompleted) error {
	if ev.AgentID == uuid.Nil || ev.TenantID == uuid.Nil {
		return errors.New("posthog: agent_completed needs an agent and a tenant")
	}
	err := c.ph.Enqueue(ph.Capture{
		// The agent id doubles as the event's uuid, so a completion
		// reported twice is counted once.
		Uuid:       ev.AgentID.String(),
		DistinctId: ev.TenantID.String(),
		Event:      EventAgentCompleted,
		Properties: properties(ev),
	})
	if err != nil {
		return fmt.Errorf("posthog: %w", err)
	}
	return nil
}

// properties is the complete property set; nothing else is sent.
func properties(ev AgentCompleted) ph.Properties {
	return ph.Properties{
		"agent_id":    ev.AgentID.String(),
		"model":       ev.Model,
		"success":     ev.Success,
		"iterations":  ev.Iterations,
		"tokens_used": ev.TokensUsed,
		"tenant_id":   ev.TenantID.String(),
	}
}

// Close sends queued events and stops the client.
func (c *Client) Close() error { return c.ph.Close() }

// slogLogger adapts slog to posthog-go's logger.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Logf(format string, args ...any)   { s.l.Debug(fmt.Sprintf(format, args...)) }
func (s slogLogger) Errorf(format string, args ...any) { s.l.Warn(fmt.Sprintf(format, args...)) }
