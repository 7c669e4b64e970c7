package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/server/metrics"
	"github.com/argusqa/argus/server/ratelimit"
)

// Config configures a Server. App is required; every other field has a
// documented default applied by WithDefaults.
type Config struct {
	// App holds the use cases the API's handlers call. Required.
	App *app.App

	// Fallback, when set, answers every path no route matches outside
	// /api/ — the web UI mounts here. It gets the security headers and
	// gzip but no authentication: it does its own.
	Fallback http.Handler

	// Logger receives request errors and diagnostics. Default: discard.
	Logger *slog.Logger

	// Metrics are the Prometheus collectors served on /metrics. Default:
	// metrics.New() with the database collectors registered.
	Metrics *metrics.Metrics

	// MaxBodyBytes bounds a JSON request body. Default 1 MiB.
	MaxBodyBytes int64

	// MaxUploadBytes bounds the body of POST …/test-files, which carries
	// whole test files. Default 8 MiB.
	MaxUploadBytes int64

	// ReadTimeout and WriteTimeout bound a request (event streams are
	// exempt). Default 5 minutes each, from the trust-center spec.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// RateLimit bounds each client (IP, and bearer key when one is sent)
	// on every route but /healthz, /readyz and /metrics: the UI and /mcp
	// included. Default: 30 requests/s, bursts of 50, 10 in flight, no
	// trusted proxies (see ratelimit.Config).
	RateLimit ratelimit.Config

	// LLMAppendix, when set, adds sections to /llm.txt after the routes:
	// the MCP tools (mcp.LLMText), read from their own table when
	// /llm.txt is first built. Default nil: routes only.
	LLMAppendix func(ctx context.Context) (string, error)

	// ShutdownTimeout is how long Serve waits for requests in flight once
	// its context ends. Default 30 s.
	ShutdownTimeout time.Duration
}

// Defaults.
const (
	DefaultMaxBodyBytes    = 1 << 20
	DefaultMaxUploadBytes  = 8 << 20
	DefaultTimeout         = 5 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxUploadBytes == 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
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
	if c.App == nil {
		return errors.New("server: Config.App is required")
	}
	return nil
}
