package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// CloseAll closes sessions concurrently, then waits until pending (a
// provider's count of closes in flight, such as those the idle watchdog
// started) drops to zero or ctx ends. It returns every error, joined.
// Providers call it from their Close.
func CloseAll(ctx context.Context, sessions []Session, pending *sync.WaitGroup) error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(func() {
			if err := s.Close(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if pending != nil {
		done := make(chan struct{})
		go func() { pending.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("wait for sessions to close: %w", context.Cause(ctx)))
		}
	}
	return errors.Join(errs...)
}
