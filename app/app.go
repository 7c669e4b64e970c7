package app

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"

	"github.com/argusqa/argus/store"
)

// App is the application layer. Make one with New; it is safe for
// concurrent use.
type App struct {
	cfg    Config
	store  *store.Store
	log    *slog.Logger
	keys   *apiKeyCache
	logins *attemptLimiter
	cop    *http.CrossOriginProtection
	secure bool

	// closing ends every FollowRun (CloseStreams).
	closing   chan struct{}
	closeOnce sync.Once
}

// New checks cfg and builds an App.
func New(cfg Config) (*App, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	pub, _ := url.Parse(cfg.PublicURL)
	a := &App{
		cfg:     cfg,
		store:   cfg.Store,
		log:     cfg.Logger,
		logins:  newAttemptLimiter(cfg.LoginAttempts, cfg.LoginWindow, cfg.now),
		cop:     http.NewCrossOriginProtection(),
		secure:  pub.Scheme == "https",
		closing: make(chan struct{}),
	}
	a.keys = &apiKeyCache{ttl: cfg.APIKeyCacheTTL, lookup: cfg.Store.LookupAPIKey, now: cfg.now, entries: map[[32]byte]apiKeyEntry{}}
	if err := a.cop.AddTrustedOrigin(pub.Scheme + "://" + pub.Host); err != nil {
		return nil, fmt.Errorf("app: trusted origin: %w", err)
	}
	return a, nil
}

// Store is the data access the App works on, for front ends' read-only
// pages that need nothing but a tenant-scoped read.
func (a *App) Store() *store.Store { return a.store }

// PublicURL is the externally reachable base URL, without a trailing
// slash.
func (a *App) PublicURL() string { return a.cfg.PublicURL }

// Development reports whether the process runs in development mode.
func (a *App) Development() bool { return a.cfg.Development }

// CanRedeliver reports whether recorded webhook deliveries can be sent
// again.
func (a *App) CanRedeliver() bool { return a.cfg.Redeliver != nil }

// CrossOriginProtection is the one check of cookie-authenticated writes
// (Sec-Fetch-Site / Origin against PublicURL) both front ends apply.
func (a *App) CrossOriginProtection() *http.CrossOriginProtection { return a.cop }

// CloseStreams ends every live stream following a run and refuses new
// ones, so a graceful shutdown need not wait for open run pages; clients
// reconnect on their own to whichever server answers next.
func (a *App) CloseStreams() { a.closeOnce.Do(func() { close(a.closing) }) }
