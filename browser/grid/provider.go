package grid

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/argusqa/argus/browser"
)

// Provider opens sessions on a remote W3C WebDriver endpoint.
type Provider struct {
	cfg    Config
	slots  *browser.Slots
	logger *slog.Logger

	mu     sync.Mutex
	closed bool
	live   map[browser.Session]struct{}
	wg     sync.WaitGroup
}

var _ browser.Provider = (*Provider)(nil)

// New validates cfg and returns a provider; it contacts the grid only on
// Acquire.
func New(cfg Config) (*Provider, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = webdriverHTTPClient()
	}
	return &Provider{
		cfg:    cfg,
		slots:  browser.NewSlots(cfg.MaxSessions),
		logger: cfg.Logger.With("provider", "grid"),
		live:   make(map[browser.Session]struct{}),
	}, nil
}

// InUse returns the number of sessions open or closing.
func (p *Provider) InUse() int { return p.slots.InUse() }

// Acquire opens a session on the grid, waiting while MaxSessions are open.
// A grid that queues the request (all its nodes busy) makes Acquire wait
// too, bounded by ctx.
func (p *Provider) Acquire(ctx context.Context, opts browser.AcquireOptions) (browser.Session, error) {
	opts = opts.WithDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	release, err := p.slots.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid browser provider: %w", err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		release()
		return nil, errors.New("grid browser provider: closed")
	}
	p.wg.Add(1)
	p.mu.Unlock()

	var sess browser.Session
	var sessionID atomic.Value
	sessionID.Store("")
	var once sync.Once
	scfg := p.cfg.Session
	scfg.Name = opts.AgentID
	scfg.Width, scfg.Height = opts.Width, opts.Height
	scfg.Identity = opts.Identity
	if opts.PageLoadTimeout > 0 {
		scfg.PageLoadTimeout = opts.PageLoadTimeout
	}
	scfg.Egress = opts.Egress
	scfg.HTTPClient = p.cfg.HTTPClient
	if scfg.Logger == nil {
		scfg.Logger = p.logger
	}
	up := uploader{endpoint: p.cfg.URL, http: p.cfg.HTTPClient, session: func() string { return sessionID.Load().(string) }}
	scfg.UploadFile = up.upload
	scfg.OnClose = func(context.Context) error {
		once.Do(func() {
			p.mu.Lock()
			if sess != nil {
				delete(p.live, sess)
			}
			p.mu.Unlock()
			release()
			p.wg.Done()
		})
		return nil
	}
	s, err := browser.OpenWebDriver(ctx, p.cfg.URL, scfg)
	if err != nil {
		return nil, fmt.Errorf("grid browser provider: %w", err)
	}
	sessionID.Store(s.ID())
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, errors.New("grid browser provider: closed")
	}
	sess = s
	p.live[s] = struct{}{}
	p.mu.Unlock()
	return s, nil
}

// Close closes every open session and waits for them, or for ctx.
func (p *Provider) Close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	open := make([]browser.Session, 0, len(p.live))
	for s := range p.live {
		open = append(open, s)
	}
	p.mu.Unlock()
	if err := browser.CloseAll(ctx, open, &p.wg); err != nil {
		return fmt.Errorf("grid browser provider: close: %w", err)
	}
	return nil
}
