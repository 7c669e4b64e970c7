package docker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser"
)

// ErrClosed is returned by Acquire after Close.
var ErrClosed = errors.New("docker: browser provider closed")

// claimTimeout bounds the check that a warm spare's browser still answers
// before an agent gets it.
const claimTimeout = 5 * time.Second

// Provider starts one ephemeral browser container per agent. It implements
// browser.Provider and is safe for concurrent use.
type Provider struct {
	cfg       Config
	docker    *client.Client
	ownDocker bool
	log       *slog.Logger
	owner     string // this instance's LabelOwner value
	// proxyListen is where a session's egress proxy listens so that its
	// container reaches it: loopback with host networking, the network's
	// gateway on a bridge.
	proxyListen string
	// imageID is the browser image's ID, found at start.
	imageID string
	// chromiumVolume holds the image's Chromium files for every container
	// (chromiumvolume.go); empty means they come from the image.
	chromiumVolume string

	// slots is the cap. A container holds one value from its creation
	// until it is confirmed gone. It is a channel rather than a
	// browser.Slots because a waiting Acquire must also wake up when a warm
	// spare becomes ready.
	slots chan struct{}

	// reapGate is held shared while a container is created and tracked, and
	// exclusively while the reaper lists containers, so the reaper never
	// mistakes a container being created for an orphan.
	reapGate sync.RWMutex

	mu           sync.Mutex
	boxes        map[string]*box // every container created and not yet confirmed gone
	ready        []*box          // warm spares with an open session, oldest first
	starting     int             // warm spares being started
	spareChanged chan struct{}   // closed and replaced whenever a spare becomes ready
	spareErr     error           // why the last spare failed to start
	spareBackoff time.Duration
	spareRetry   time.Time
	closed       bool
	wg           sync.WaitGroup // background work, starts and spare starts

	refill chan struct{}
	bg     context.Context
	stopBg context.CancelFunc
}

var _ browser.Provider = (*Provider)(nil)

// New connects to the Docker engine, checks that the browser image (and a
// named network) exist, removes containers a previous process on this node
// left behind, and starts the reaper and the warm spares.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	p := &Provider{
		cfg:          cfg,
		docker:       cfg.Docker,
		log:          cfg.Logger.With("provider", "docker", "node", cfg.NodeName),
		owner:        randomHex(16),
		slots:        make(chan struct{}, cfg.MaxSessions),
		boxes:        make(map[string]*box),
		spareChanged: make(chan struct{}),
		refill:       make(chan struct{}, 1),
	}
	if p.docker == nil {
		c, err := client.New(client.FromEnv)
		if err != nil {
			return nil, fmt.Errorf("docker: client from environment: %w", err)
		}
		p.docker, p.ownDocker = c, true
	}
	if err := p.preflight(ctx); err != nil {
		p.closeDocker()
		return nil, err
	}
	if !cfg.DisableChromiumVolume {
		vol, err := p.prepareChromiumVolume(ctx, p.imageID)
		if err != nil {
			p.log.Warn("the browser containers read Chromium from their image layers (slower cold starts)", "err", err)
		}
		p.chromiumVolume = vol
		p.cleanChromiumVolumes(ctx)
	}
	p.bg, p.stopBg = context.WithCancel(context.Background())
	if _, err := p.Reap(ctx); err != nil {
		p.log.Warn("reaping containers left by a previous process failed", "err", err)
	}
	p.wg.Add(1)
	go p.spareLoop()
	if cfg.ReapInterval > 0 {
		p.wg.Add(1)
		go p.reapLoop()
	}
	p.kickRefill()
	return p, nil
}

// preflight fails early, with a message that says what to do, when the
// engine, the image or the network is missing.
func (p *Provider) preflight(ctx context.Context) error {
	if _, err := p.docker.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return fmt.Errorf("docker: no Docker engine answers at %s: %w", p.docker.DaemonHost(), err)
	}
	img, err := p.docker.ImageInspect(ctx, p.cfg.Image)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return fmt.Errorf("docker: browser image %q not found; build it with `make browser-image` (docker/browser/build.sh)", p.cfg.Image)
		}
		return fmt.Errorf("docker: inspect browser image %q: %w", p.cfg.Image, err)
	}
	p.imageID = img.ID
	name := p.cfg.Network
	switch name {
	case "host":
		p.proxyListen = "127.0.0.1:0"
		return nil
	case "", "default":
		name = "bridge"
	}
	res, err := p.docker.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
	if err != nil {
		return fmt.Errorf("docker: network %q: %w", name, err)
	}
	for _, c := range res.Network.IPAM.Config {
		gw := c.Gateway
		if !gw.IsValid() && c.Subnet.Addr().Is4() {
			// The engine leaves the default bridge's gateway out of its
			// IPAM answer; it is the subnet's first address.
			gw = c.Subnet.Masked().Addr().Next()
		}
		if gw.Is4() {
			p.proxyListen = net.JoinHostPort(gw.String(), "0")
			return nil
		}
	}
	return fmt.Errorf("docker: network %q has no IPv4 gateway, which the browsers need to reach this process's egress proxy (the target policy); use a bridge network or host networking", name)
}

// Acquire returns a session on a fresh container: a warm spare when one
// with the requested viewport is ready, otherwise a newly started one. At
// the cap it waits until a container is gone or ctx ends.
func (p *Provider) Acquire(ctx context.Context, opts browser.AcquireOptions) (browser.Session, error) {
	opts = opts.WithDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		spare := p.takeSpareLocked(opts)
		changed := p.spareChanged
		p.mu.Unlock()
		if spare != nil {
			if s, ok := p.claim(ctx, spare, opts); ok {
				return s, nil
			}
			continue
		}

		select {
		case p.slots <- struct{}{}:
			return p.startForAgent(ctx, opts)
		default:
		}
		// At the cap. A spare this agent cannot use (another viewport)
		// would hold its slot until it idles out; give it up.
		p.mu.Lock()
		var unusable *box
		if len(p.ready) > 0 {
			unusable = p.ready[0]
			p.ready = p.ready[1:]
		}
		p.mu.Unlock()
		if unusable != nil {
			p.closeInBackground(unusable)
		}

		select {
		case p.slots <- struct{}{}:
			return p.startForAgent(ctx, opts)
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("docker: wait for a free browser slot (%d in use): %w", p.cfg.MaxSessions, context.Cause(ctx))
		}
	}
}

// startForAgent starts a container for one agent; the caller holds a slot.
func (p *Provider) startForAgent(ctx context.Context, opts browser.AcquireOptions) (browser.Session, error) {
	release := func() { <-p.slots }
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		release()
		return nil, ErrClosed
	}
	p.wg.Add(1)
	p.mu.Unlock()
	defer p.wg.Done()
	defer p.kickRefill()

	start := time.Now()
	b, err := p.startBox(ctx, opts.AgentID, opts, release)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		_ = b.session.Close(context.WithoutCancel(ctx))
		return nil, ErrClosed
	}
	p.log.Info("browser container started", "container", shortID(b.id), "agent", opts.AgentID,
		"took", time.Since(start).Round(time.Millisecond))
	return b.session, nil
}

// claim hands a warm spare to an agent after checking that its browser
// still answers. A spare that does not is closed and ok is false.
func (p *Provider) claim(ctx context.Context, b *box, opts browser.AcquireOptions) (browser.Session, bool) {
	agent := opts.AgentID
	cctx, cancel := context.WithTimeout(ctx, claimTimeout)
	_, err := b.session.ExecuteScript(cctx, "return 1")
	cancel()
	if err == nil {
		// The spare started before its agent was known: from now on the
		// agent's target policy decides its requests.
		err = browser.GuardEgress(b.session, opts.Egress)
	}
	if err != nil {
		p.log.Warn("warm spare did not answer; discarding it", "container", shortID(b.id), "err", err)
		p.closeInBackground(b)
		return nil, false
	}
	p.mu.Lock()
	if p.closed {
		// Close is closing every session, this one included.
		p.mu.Unlock()
		return nil, false
	}
	b.agent = agent
	p.wg.Add(1)
	p.mu.Unlock()
	p.kickRefill()
	// Labels cannot change after creation, so the container's name tells
	// operators which agent a former spare serves.
	go func() {
		defer p.wg.Done()
		rctx, cancel := context.WithTimeout(p.bg, 5*time.Second)
		defer cancel()
		if _, err := p.docker.ContainerRename(rctx, b.id, client.ContainerRenameOptions{NewName: agentName(p.cfg.NodeName, agent)}); err != nil {
			p.log.Debug("renaming claimed spare failed", "container", shortID(b.id), "err", err)
		}
	}()
	p.log.Info("browser container taken from warm spares", "container", shortID(b.id), "agent", agent)
	return b.session, true
}

// closeInBackground closes a session (and so removes its container)
// without making the caller wait. After Close it does nothing: Close closes
// every session itself.
func (p *Provider) closeInBackground(b *box) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	s := b.session
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 2*p.cfg.DestroyTimeout)
		defer cancel()
		_ = s.Close(ctx)
	}()
}

// Warm starts the configured warm spares if they are missing and waits
// until they are ready (or the cap leaves no room for them), so that the
// next agents start without Chromium's cold start. It returns why a spare
// could not be started, if one failed.
func (p *Provider) Warm(ctx context.Context) error {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return ErrClosed
		}
		want := p.cfg.spares()
		have := len(p.ready)
		starting := p.starting
		spareErr := p.spareErr
		changed := p.spareChanged
		p.mu.Unlock()
		switch {
		case have >= want:
			return nil
		case starting == 0 && spareErr != nil:
			return fmt.Errorf("docker: warm spare: %w", spareErr)
		case starting == 0 && len(p.slots) == cap(p.slots):
			return nil // every slot serves an agent
		}
		p.kickRefill()
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("docker: wait for warm spares: %w", context.Cause(ctx))
		}
	}
}

// Close closes every session and spare, removes their containers and stops
// the reaper. Acquire fails with ErrClosed afterwards.
func (p *Provider) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	var sessions []browser.Session
	var bare []*box
	for _, b := range p.boxes {
		if b.session != nil {
			sessions = append(sessions, b.session)
		} else if b.orphan {
			bare = append(bare, b)
		}
	}
	p.ready = nil
	p.mu.Unlock()
	p.stopBg()

	errs := make(chan error, len(sessions)+len(bare))
	for _, s := range sessions {
		go func() { errs <- s.Close(ctx) }()
	}
	for _, b := range bare {
		go func() { errs <- p.removeOrphan(ctx, b) }()
	}
	var all []error
	for range len(sessions) + len(bare) {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		all = append(all, fmt.Errorf("docker: wait for browser starts to end: %w", context.Cause(ctx)))
	}
	// A start cancelled by Close may have left a container the engine
	// created but never reported; sweep this instance's containers.
	if err := p.sweepOwn(ctx); err != nil {
		all = append(all, err)
	}
	p.closeDocker()
	if err := errors.Join(all...); err != nil {
		return fmt.Errorf("docker: close provider: %w", err)
	}
	p.log.Info("docker browser provider closed")
	return nil
}

func (p *Provider) closeDocker() {
	if p.ownDocker {
		_ = p.docker.Close()
	}
}

// InUse returns how many containers count against the cap right now:
// sessions, warm spares and containers being started or removed.
func (p *Provider) InUse() int { return len(p.slots) }
