package browser

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSlotsCap(t *testing.T) {
	s := NewSlots(0)
	if s.Cap() != DefaultMaxSessions {
		t.Fatalf("default cap %d, want %d", s.Cap(), DefaultMaxSessions)
	}
	ctx := t.Context()
	var releases []func()
	for range DefaultMaxSessions {
		r, err := s.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	if s.InUse() != DefaultMaxSessions {
		t.Errorf("in use %d", s.InUse())
	}
	if _, ok := s.TryAcquire(); ok {
		t.Error("TryAcquire succeeded at the cap")
	}
	// At the cap, Acquire waits until its context ends...
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := s.Acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire at the cap: %v, want context.DeadlineExceeded", err)
	}
	// ...or until a slot is released.
	got := make(chan func(), 1)
	go func() {
		r, err := s.Acquire(ctx)
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	releases[0]()
	releases[0]() // a second release is harmless
	r := <-got
	if s.InUse() != DefaultMaxSessions {
		t.Errorf("in use %d after hand-over", s.InUse())
	}
	r()
	for _, r := range releases[1:] {
		r()
	}
	if s.InUse() != 0 {
		t.Errorf("in use %d after releasing all", s.InUse())
	}
}

func TestSlotsContext(t *testing.T) {
	s := NewSlots(1)
	r, _ := s.Acquire(t.Context())
	defer r()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire on a cancelled context: %v", err)
	}
}

func TestSlotsConcurrent(t *testing.T) {
	s := NewSlots(3)
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			r, err := s.Acquire(t.Context())
			if err != nil {
				t.Error(err)
				return
			}
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			cur.Add(-1)
			r()
		})
	}
	wg.Wait()
	if peak.Load() > 3 {
		t.Errorf("peak %d over the cap of 3", peak.Load())
	}
}
