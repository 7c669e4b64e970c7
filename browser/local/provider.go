package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/argusqa/argus/browser"
)

// Provider starts one chromedriver and Chromium per session on this host.
type Provider struct {
	cfg    Config
	slots  *browser.Slots
	logger *slog.Logger

	mu     sync.Mutex
	closed bool
	live   map[browser.Session]struct{}
	wg     sync.WaitGroup // sessions whose cleanup has not finished

	stopReaper context.CancelFunc
	reaperDone chan struct{}
}

var _ browser.Provider = (*Provider)(nil)

// startReapTimeout bounds the reaping New does, so a stuck process cannot
// keep the provider from starting.
const startReapTimeout = 30 * time.Second

// New checks the configuration (executables present), kills the browsers
// that dead Argus processes on this host left in TempDir, and returns a
// provider whose reaper repeats that every ReapInterval. It starts no
// browser until Acquire.
func New(cfg Config) (*Provider, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// Session paths are compared with what /proc shows (cwd is resolved),
	// so the directory is made absolute and free of symlinks.
	if abs, err := filepath.Abs(cfg.TempDir); err == nil {
		cfg.TempDir = abs
	}
	if real, err := filepath.EvalSymlinks(cfg.TempDir); err == nil {
		cfg.TempDir = real
	}
	if _, err := self(); err != nil {
		return nil, fmt.Errorf("local browser provider: %w", err)
	}
	p := &Provider{
		cfg:    cfg,
		slots:  browser.NewSlots(cfg.MaxSessions),
		logger: cfg.Logger.With("provider", "local"),
		live:   make(map[browser.Session]struct{}),
	}
	ctx, cancel := context.WithTimeout(context.Background(), startReapTimeout)
	if _, err := p.ReapOrphans(ctx); err != nil {
		p.logger.Warn("reaping browsers left by dead processes failed", "err", err)
	}
	cancel()
	if cfg.ReapInterval > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		p.stopReaper, p.reaperDone = cancel, done
		// The channel is passed, not read from p: Close clears the field.
		go p.reapLoop(ctx, done)
	}
	return p, nil
}

func (p *Provider) reapLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(p.cfg.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if _, err := p.ReapOrphans(ctx); err != nil && ctx.Err() == nil {
				p.logger.Warn("reaping browsers left by dead processes failed", "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// InUse returns the number of sessions open or closing.
func (p *Provider) InUse() int { return p.slots.InUse() }

// Acquire starts chromedriver and Chromium for one agent. It waits while
// MaxSessions sessions are open.
func (p *Provider) Acquire(ctx context.Context, opts browser.AcquireOptions) (browser.Session, error) {
	opts = opts.WithDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if p.isClosed() {
		return nil, errors.New("local browser provider: closed")
	}
	release, err := p.slots.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("local browser provider: %w", err)
	}
	// Registering under the lock orders this Add before Close's Wait.
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		release()
		return nil, errors.New("local browser provider: closed")
	}
	p.wg.Add(1)
	p.mu.Unlock()
	d, err := startDriverRetrying(ctx, p.cfg)
	if err != nil {
		release()
		p.wg.Done()
		return nil, fmt.Errorf("local browser provider: %w", err)
	}
	var sess browser.Session
	var once sync.Once
	onClose := func(ctx context.Context) error {
		var err error
		once.Do(func() {
			err = d.kill(ctx)
			p.mu.Lock()
			if sess != nil {
				delete(p.live, sess)
			}
			p.mu.Unlock()
			release()
			p.wg.Done()
		})
		return err
	}
	scfg := p.cfg.Session
	scfg.Name = opts.AgentID
	scfg.ChromeBinary = p.cfg.ChromiumPath
	scfg.ChromeArgs = append(append([]string(nil), p.cfg.ChromeArgs...), "--user-data-dir="+d.profileDir())
	scfg.Width, scfg.Height = opts.Width, opts.Height
	scfg.Identity = opts.Identity
	if opts.PageLoadTimeout > 0 {
		scfg.PageLoadTimeout = opts.PageLoadTimeout
	}
	scfg.Egress = opts.Egress
	scfg.OnClose = onClose
	if scfg.Logger == nil {
		scfg.Logger = p.logger
	}
	s, err := browser.OpenWebDriver(ctx, d.endpoint(), scfg)
	if err != nil {
		// OpenWebDriver already ran onClose.
		return nil, fmt.Errorf("local browser provider: %w", err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, errors.New("local browser provider: closed")
	}
	sess = s
	p.live[s] = struct{}{}
	p.mu.Unlock()
	return s, nil
}

func (p *Provider) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Close stops the reaper, closes every open session and waits for their
// cleanup, or for ctx.
func (p *Provider) Close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	stopReaper, reaperDone := p.stopReaper, p.reaperDone
	p.stopReaper, p.reaperDone = nil, nil
	open := make([]browser.Session, 0, len(p.live))
	for s := range p.live {
		open = append(open, s)
	}
	p.mu.Unlock()
	if stopReaper != nil {
		stopReaper()
		<-reaperDone
	}
	if err := browser.CloseAll(ctx, open, &p.wg); err != nil {
		return fmt.Errorf("local browser provider: close: %w", err)
	}
	return nil
}
