package browser

import (
	"context"
	"fmt"
	"time"
)

// Defaults for AcquireOptions and SessionConfig; the numbers are product
// promises (see the trust center), so change them only with the docs.
const (
	// DefaultMaxSessions is the per-node cap of concurrent browsers.
	DefaultMaxSessions = 5
	// DefaultWidth and DefaultHeight are the viewport size in CSS pixels.
	DefaultWidth  = 1280
	DefaultHeight = 800
)

// Provider hands out isolated browser sessions, one per agent.
//
// Implementations are safe for concurrent use.
type Provider interface {
	// Acquire starts (or takes) a fresh browser and returns a session on
	// it. It blocks while the provider is at its cap of concurrent
	// sessions, until a session is closed or ctx ends. Closing the
	// session gives the slot back and destroys the browser.
	Acquire(ctx context.Context, opts AcquireOptions) (Session, error)
	// Close closes every session still open and releases the provider's
	// resources. Acquire fails after Close.
	Close(ctx context.Context) error
}

// AcquireOptions describe the browser an agent needs.
type AcquireOptions struct {
	// AgentID identifies the agent in logs, container labels and Grid
	// session names. Optional.
	AgentID string
	// Width and Height are the viewport size in CSS pixels. Zero means
	// DefaultWidth × DefaultHeight.
	Width, Height int
	// PageLoadTimeout overrides the provider's page load timeout for this
	// session; zero keeps it (DefaultPageLoadTimeout unless configured).
	PageLoadTimeout time.Duration
	// Identity is the language, time zone and user agent the session
	// presents (a persona's); zero keeps the browser's own. The profile
	// is fresh regardless.
	Identity Identity
	// Egress is where this agent's browser may send requests (the
	// server's address policy, the project's origins). Nil lets every
	// request through.
	Egress *EgressPolicy
}

// WithDefaults returns o with zero fields set to their defaults.
func (o AcquireOptions) WithDefaults() AcquireOptions {
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.Height == 0 {
		o.Height = DefaultHeight
	}
	return o
}

// Validate reports options no browser can honour.
func (o AcquireOptions) Validate() error {
	if o.PageLoadTimeout < 0 {
		return fmt.Errorf("browser: negative page load timeout %s", o.PageLoadTimeout)
	}
	if err := o.Identity.Validate(); err != nil {
		return fmt.Errorf("browser: %w", err)
	}
	if o.Width < 100 || o.Height < 100 || o.Width > 8192 || o.Height > 8192 {
		return fmt.Errorf("browser: viewport %d×%d out of range (100–8192 pixels per side)", o.Width, o.Height)
	}
	return nil
}
