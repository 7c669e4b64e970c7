package docker

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
)

// The agent start target: acquire → a session ready for its first navigate
// within 2.5 s (p50 and p95). Run with a fixed count so the percentiles
// mean something, e.g.
//
//	go test ./browser/docker -run '^$' -bench . -benchtime 20x
//
// ns/op is the acquire alone; close time is reported separately.

// BenchmarkAcquireCold starts a container for every agent (no warm spare).
func BenchmarkAcquireCold(b *testing.B) { benchmarkAcquire(b, -1) }

// BenchmarkAcquireWarm takes the warm spare; the spare is refilled between
// iterations with the timer stopped, as it is while an agent works.
func BenchmarkAcquireWarm(b *testing.B) { benchmarkAcquire(b, 1) }

func benchmarkAcquire(b *testing.B, spares int) {
	p := newTestProvider(b, Config{WarmSpares: spares, Logger: discardLogger()})
	ctx := context.Background()
	acquire := make([]time.Duration, 0, b.N)
	closing := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if spares > 0 {
			b.StopTimer()
			if err := p.Warm(ctx); err != nil {
				b.Fatalf("Warm: %v", err)
			}
			b.StartTimer()
		}
		start := time.Now()
		s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "bench"})
		if err != nil {
			b.Fatalf("Acquire: %v", err)
		}
		acquire = append(acquire, time.Since(start))
		b.StopTimer()
		if err := s.Navigate(ctx, "about:blank"); err != nil {
			b.Fatalf("first Navigate: %v", err)
		}
		start = time.Now()
		if err := s.Close(ctx); err != nil {
			b.Fatalf("Close: %v", err)
		}
		closing = append(closing, time.Since(start))
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(percentileMs(acquire, 50), "acquire-p50-ms")
	b.ReportMetric(percentileMs(acquire, 95), "acquire-p95-ms")
	b.ReportMetric(percentileMs(closing, 50), "close-p50-ms")
	b.ReportMetric(percentileMs(closing, 95), "close-p95-ms")
}

// percentileMs returns the p-th percentile (nearest rank) in milliseconds.
func percentileMs(d []time.Duration, p int) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	i = min(max(i-1, 0), len(s)-1)
	return float64(s[i]) / float64(time.Millisecond)
}
