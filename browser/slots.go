package browser

import (
	"context"
	"fmt"
	"sync"
)

// Slots is a counting semaphore that enforces a provider's cap of
// concurrent browsers on one node. The zero value is not usable; call
// NewSlots.
type Slots struct {
	ch chan struct{}
}

// NewSlots returns a semaphore with n slots; n <= 0 means
// DefaultMaxSessions.
func NewSlots(n int) *Slots {
	if n <= 0 {
		n = DefaultMaxSessions
	}
	return &Slots{ch: make(chan struct{}, n)}
}

// Acquire takes a slot, waiting while all are in use, until ctx ends. The
// returned release gives the slot back; calling it more than once is
// harmless, so it can be both deferred and called early.
func (s *Slots) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.ch <- struct{}{}:
	default:
		select {
		case s.ch <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("browser: wait for a free browser slot (%d in use): %w", s.Cap(), context.Cause(ctx))
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-s.ch }) }, nil
}

// TryAcquire takes a slot if one is free right now.
func (s *Slots) TryAcquire() (release func(), ok bool) {
	select {
	case s.ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-s.ch }) }, true
	default:
		return nil, false
	}
}

// InUse returns how many slots are taken.
func (s *Slots) InUse() int { return len(s.ch) }

// Cap returns the number of slots.
func (s *Slots) Cap() int { return cap(s.ch) }
