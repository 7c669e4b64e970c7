package docker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// Reap removes the Argus containers of this node that no live session of
// this provider owns: containers a crashed or killed process on this node
// left behind, and containers of this provider whose removal failed
// earlier. It returns how many it removed.
//
// The provider runs it when it starts and every Config.ReapInterval; a
// periodic job may call it too. It relies on NodeName being unique per
// provider: containers of another live provider with the same node name
// would be removed.
func (p *Provider) Reap(ctx context.Context) (int, error) {
	p.reapGate.Lock()
	list, err := p.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: nodeFilter(p.cfg.NodeName)})
	var strangers []string
	var orphans []*box
	if err == nil {
		p.mu.Lock()
		for _, c := range list.Items {
			switch b := p.boxes[c.ID]; {
			case b == nil:
				strangers = append(strangers, c.ID)
			case b.orphan:
				orphans = append(orphans, b)
			}
		}
		p.mu.Unlock()
	}
	p.reapGate.Unlock()
	if err != nil {
		return 0, fmt.Errorf("docker: list browser containers of node %q: %w", p.cfg.NodeName, err)
	}

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		removed int
		errs    []error
	)
	done := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err)
			return
		}
		removed++
	}
	for _, id := range strangers {
		wg.Go(func() {
			err := p.removeContainer(ctx, id)
			if err == nil {
				p.log.Warn("removed orphaned browser container", "container", shortID(id))
			}
			done(err)
		})
	}
	for _, b := range orphans {
		wg.Go(func() { done(p.removeOrphan(ctx, b)) })
	}
	wg.Wait()
	return removed, errors.Join(errs...)
}

// removeOrphan retries removing a container of this provider whose first
// removal failed, and gives its slot back once it is gone.
func (p *Provider) removeOrphan(ctx context.Context, b *box) error {
	if err := p.removeContainer(ctx, b.id); err != nil {
		return err
	}
	p.untrack(b)
	p.log.Info("removed browser container on retry", "container", shortID(b.id))
	p.kickRefill()
	return nil
}

func (p *Provider) reapLoop() {
	defer p.wg.Done()
	t := time.NewTicker(p.cfg.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if _, err := p.Reap(p.bg); err != nil && p.bg.Err() == nil {
				p.log.Warn("reaping orphaned browser containers failed", "err", err)
			}
		case <-p.bg.Done():
			return
		}
	}
}

// sweepOwn removes every container this provider instance started that is
// still there. Close calls it last, when no session is left.
func (p *Provider) sweepOwn(ctx context.Context) error {
	f := nodeFilter(p.cfg.NodeName).Add("label", LabelOwner+"="+p.owner)
	list, err := p.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("docker: list this provider's containers: %w", err)
	}
	var errs []error
	for _, c := range list.Items {
		if err := p.removeContainer(ctx, c.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		p.mu.Lock()
		b := p.boxes[c.ID]
		p.mu.Unlock()
		if b != nil {
			p.untrack(b)
		}
		p.log.Warn("removed a leftover browser container at close", "container", shortID(c.ID))
	}
	return errors.Join(errs...)
}
