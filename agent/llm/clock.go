package llm

import (
	"context"
	"time"
)

// Clock is the time source of the retry policy. Production uses
// [SystemClock]; tests substitute a fake (llmtest.Clock) so that they can
// assert the exact waits and per-call timeouts without ever sleeping.
type Clock interface {
	// Now returns the current time; it turns Retry-After dates into waits.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, in which case it returns
	// ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
	// WithTimeoutCause returns a child of ctx that is cancelled with cause
	// once d has passed on this clock, like context.WithTimeoutCause.
	WithTimeoutCause(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc)
}

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (SystemClock) WithTimeoutCause(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, cause)
}
