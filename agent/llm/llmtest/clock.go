package llmtest

import (
	"context"
	"sync"
	"time"
)

// Clock is a fake llm.Clock. Sleep returns at once, moving the clock
// forward; per-call timeouts fire only when the test moves the clock past
// them with [Clock.Advance] (or a Sleep does). Every wait and timeout is
// recorded, so tests assert the retry policy's exact durations without ever
// sleeping.
type Clock struct {
	mu       sync.Mutex
	now      time.Time
	sleeps   []time.Duration
	timeouts []time.Duration
	timers   []*fakeTimer
	armed    chan struct{}
}

type fakeTimer struct {
	at     time.Time
	cancel context.CancelCauseFunc
	cause  error
	done   bool
}

// NewClock returns a fake clock reading start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, armed: make(chan struct{}, 1024)}
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and moves the clock forward by it, firing any timeout that
// falls due. It returns ctx's error if ctx is already done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	c.Advance(d)
	return ctx.Err()
}

// WithTimeoutCause returns a child of ctx cancelled with cause once the
// clock is moved d past now. It records d and signals [Clock.Armed].
func (c *Clock) WithTimeoutCause(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	child, cancel := context.WithCancelCause(ctx)
	c.mu.Lock()
	t := &fakeTimer{at: c.now.Add(d), cancel: cancel, cause: cause}
	c.timers = append(c.timers, t)
	c.timeouts = append(c.timeouts, d)
	c.mu.Unlock()
	select {
	case c.armed <- struct{}{}:
	default:
	}
	return child, func() {
		c.mu.Lock()
		t.done = true
		c.mu.Unlock()
		cancel(context.Canceled)
	}
}

// Advance moves the clock forward by d and fires the timeouts that fall due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	live := c.timers[:0]
	for _, t := range c.timers {
		switch {
		case t.done:
		case !t.at.After(c.now):
			t.done = true
			due = append(due, t)
		default:
			live = append(live, t)
		}
	}
	c.timers = live
	c.mu.Unlock()
	for _, t := range due {
		t.cancel(t.cause)
	}
}

// Armed receives once each time a timeout is set, i.e. once per attempt of
// the retry policy.
func (c *Clock) Armed() <-chan struct{} { return c.armed }

// Sleeps returns the waits slept so far.
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Timeouts returns the timeouts set so far, one per attempt.
func (c *Clock) Timeouts() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.timeouts...)
}
