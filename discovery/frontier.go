package discovery

import (
	"context"
	"sync"
)

// frontier is the crawl's shared work list: URLs to visit, each page key
// once, under one page budget shared by every browser of the discovery.
type frontier struct {
	mu       sync.Mutex
	queue    []item
	seen     map[string]bool
	inflight int
	budget   *budget
	changed  chan struct{} // closed and replaced on every change
}

type item struct {
	url, key, via string
}

// budget counts page loads against the discovery's MaxPages.
type budget struct {
	mu        sync.Mutex
	left      int
	exhausted bool
}

// take spends one page load; false when none is left.
func (b *budget) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left <= 0 {
		b.exhausted = true
		return false
	}
	b.left--
	return true
}

func newFrontier(b *budget) *frontier {
	return &frontier{seen: map[string]bool{}, budget: b, changed: make(chan struct{})}
}

func (f *frontier) signal() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// add queues a URL unless its page was seen; it reports whether it did.
func (f *frontier) add(it item) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[it.key] {
		return false
	}
	f.seen[it.key] = true
	f.queue = append(f.queue, it)
	f.signal()
	return true
}

// markSeen records a page reached another way (a redirect's target).
func (f *frontier) markSeen(key string) {
	f.mu.Lock()
	f.seen[key] = true
	f.mu.Unlock()
}

// next returns the next URL to visit, blocking while others are being
// visited (they may add more). ok is false when the crawl is over: nothing
// queued or in flight, the budget spent, or ctx done. Every item returned
// must be finished with done.
func (f *frontier) next(ctx context.Context) (item, bool) {
	for {
		f.mu.Lock()
		if len(f.queue) > 0 {
			if !f.budget.take() {
				f.mu.Unlock()
				return item{}, false
			}
			it := f.queue[0]
			f.queue = f.queue[1:]
			f.inflight++
			f.mu.Unlock()
			return it, true
		}
		if f.inflight == 0 {
			f.mu.Unlock()
			return item{}, false
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return item{}, false
		}
	}
}

func (f *frontier) done() {
	f.mu.Lock()
	f.inflight--
	f.signal()
	f.mu.Unlock()
}
