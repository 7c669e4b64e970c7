package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// ForTests tunes c for tests: River starts without its production jitter
// and fetches often.
func ForTests(c Config) Config {
	c.riverTest = true
	c.fetchCooldown = 10 * time.Millisecond
	c.fetchPoll = 50 * time.Millisecond
	return c
}

// RiverConfig is the River configuration New made.
func RiverConfig(j *Jobs) *river.Config { return j.rc }

// ForBench is ForTests with River's production fetch intervals, so
// latencies are what a deployment sees.
func ForBench(c Config) Config {
	c.riverTest = true
	return c
}

// WithClock makes c's schedules fire by now instead of the wall clock.
func WithClock(c Config, now func() time.Time) Config {
	c.now = now
	return c
}

// FireSchedules runs the schedule job's work once, as its worker does.
func FireSchedules(ctx context.Context, j *Jobs) (int, error) { return j.fireSchedules(ctx) }

// NextScheduleFiring is when the schedule job runs next after now, with
// the given interval.
func NextScheduleFiring(interval time.Duration, now time.Time) time.Time {
	return onTheInterval(interval).Next(now)
}
