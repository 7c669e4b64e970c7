package webdriver

import (
	"context"
	"time"
)

// Timeouts are the session's W3C timeouts.
type Timeouts struct {
	// Implicit is how long element searches retry before reporting
	// "no such element".
	Implicit time.Duration
	// PageLoad bounds navigation commands.
	PageLoad time.Duration
	// Script bounds Execute Script and Execute Async Script.
	Script time.Duration
}

type timeoutsJSON struct {
	Implicit *int64 `json:"implicit,omitempty"`
	PageLoad *int64 `json:"pageLoad,omitempty"`
	Script   *int64 `json:"script,omitempty"`
}

// Timeouts returns the session's current timeouts.
func (s *Session) Timeouts(ctx context.Context) (Timeouts, error) {
	var v timeoutsJSON
	if err := s.get(ctx, "/timeouts", &v); err != nil {
		return Timeouts{}, err
	}
	ms := func(p *int64) time.Duration {
		if p == nil {
			return 0
		}
		return time.Duration(*p) * time.Millisecond
	}
	return Timeouts{Implicit: ms(v.Implicit), PageLoad: ms(v.PageLoad), Script: ms(v.Script)}, nil
}

// SetTimeouts sets all three timeouts to the given values (rounded down to
// milliseconds; negative values are rejected by the remote end).
func (s *Session) SetTimeouts(ctx context.Context, t Timeouts) error {
	ms := func(d time.Duration) *int64 { v := d.Milliseconds(); return &v }
	return s.post(ctx, "/timeouts", timeoutsJSON{Implicit: ms(t.Implicit), PageLoad: ms(t.PageLoad), Script: ms(t.Script)}, nil)
}
