package docker

import (
	"context"
	"slices"
	"time"

	"github.com/argusqa/argus/browser"
)

// Warm spares: containers whose session is already open, waiting for an
// agent. Chromium's cold start dominates an agent's start (about 2 s on two
// cores), so taking a spare makes starting nearly free. Spares count
// against the cap and lose to waiting agents: a freed slot goes to an
// Acquire that waits for one before the refill can take it, because the
// refill only takes a slot that is free right now.

// takeSpareLocked removes and returns the oldest ready spare whose session
// has the viewport and identity opts asks for, or nil. p.mu must be held.
func (p *Provider) takeSpareLocked(opts browser.AcquireOptions) *box {
	for i, b := range p.ready {
		if b.opts.Width == opts.Width && b.opts.Height == opts.Height && b.opts.Identity == opts.Identity {
			p.ready = slices.Delete(p.ready, i, i+1)
			return b
		}
	}
	return nil
}

// dropSpare forgets b as a ready spare, e.g. when its idle watchdog closed
// it.
func (p *Provider) dropSpare(b *box) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i := slices.Index(p.ready, b); i >= 0 {
		p.ready = slices.Delete(p.ready, i, i+1)
		p.broadcastLocked()
	}
}

// broadcastLocked wakes everyone waiting for a change of the spares:
// Acquire at the cap and Warm. p.mu must be held.
func (p *Provider) broadcastLocked() {
	close(p.spareChanged)
	p.spareChanged = make(chan struct{})
}

// kickRefill asks the spare loop to top the spares up.
func (p *Provider) kickRefill() {
	select {
	case p.refill <- struct{}{}:
	default:
	}
}

func (p *Provider) spareLoop() {
	defer p.wg.Done()
	for {
		select {
		case <-p.refill:
		case <-p.bg.Done():
			return
		}
		for p.startSpareIfNeeded() {
		}
	}
}

// startSpareIfNeeded starts one spare when fewer than configured are ready
// or starting, a slot is free right now, and no recent failure asks to
// wait. It reports whether it started one.
func (p *Provider) startSpareIfNeeded() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.ready)+p.starting >= p.cfg.spares() || time.Now().Before(p.spareRetry) {
		return false
	}
	select {
	case p.slots <- struct{}{}:
	default:
		return false
	}
	p.starting++
	p.wg.Add(1)
	p.broadcastLocked()
	go p.startSpare()
	return true
}

func (p *Provider) startSpare() {
	defer p.wg.Done()
	b, err := p.startBox(p.bg, "", browser.AcquireOptions{}.WithDefaults(), func() { <-p.slots })
	p.mu.Lock()
	p.starting--
	closed := p.closed
	switch {
	case err != nil:
		p.spareErr = err
		p.spareBackoff = min(max(2*p.spareBackoff, time.Second), time.Minute)
		p.spareRetry = time.Now().Add(p.spareBackoff)
		time.AfterFunc(p.spareBackoff, p.kickRefill)
	case !closed:
		p.spareErr = nil
		p.spareBackoff = 0
		p.ready = append(p.ready, b)
	}
	p.broadcastLocked()
	p.mu.Unlock()
	switch {
	case err != nil && !closed:
		p.log.Warn("starting a warm spare failed", "err", err, "retry_in", p.spareBackoffSnapshot())
	case err == nil && closed:
		// Close did not see this spare's session yet; it waits for this
		// goroutine, so closing here is covered.
		_ = b.session.Close(context.Background())
	case err == nil:
		p.log.Debug("warm spare ready", "container", shortID(b.id))
	}
}

func (p *Provider) spareBackoffSnapshot() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.spareBackoff
}
