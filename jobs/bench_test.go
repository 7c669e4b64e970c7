package jobs_test

import (
	"context"
	"github.com/argusqa/argus/internal/netpolicy"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// benchJobs makes a worker with production fetch settings, an instant fake
// browser and an agent that records no screenshots.
func benchJobs(b *testing.B, f *fixture) (*jobs.Jobs, <-chan *river.Event) {
	b.Helper()
	j, err := jobs.New(jobs.ForBench(jobs.Config{
		Pool: f.pool, Store: f.store, Blobs: f.blobs, Browser: &fakeProvider{},
		Agent: agent.Config{NoScreenshots: true}, Logger: testLogger(b),
		TargetPolicy: &netpolicy.Policy{AllowPrivate: true},
	}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = j.Stop(ctx)
	})
	ch, _ := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	return j, ch
}

// startLatencies reads started_at − created_at of a run's agents: the
// time from the enqueueing transaction to the worker marking the agent
// running.
func startLatencies(b *testing.B, f *fixture, runs ...uuid.UUID) []time.Duration {
	b.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT started_at - created_at FROM agents WHERE run_id = ANY($1)`, runs)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var d time.Duration
		if err := rows.Scan(&d); err != nil {
			b.Fatal(err)
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

func reportLatencies(b *testing.B, lat []time.Duration, prefix string) {
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.95), prefix+"p95-ms")
}

// BenchmarkEnqueueToStartWithBacklog enqueues 1,000 agents in one run
// (scripted instant agents, no browser) and measures, per agent, the time
// from enqueueing to the agent starting. With 5 workers this is mostly
// waiting behind the agents ahead in the queue; agents/s is the drain rate.
//
//	go test ./jobs -run '^$' -bench EnqueueToStartWithBacklog -benchtime 1x
func BenchmarkEnqueueToStartWithBacklog(b *testing.B) {
	const queued = 1000
	var lat []time.Duration
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, "https://shop.example.com")
		tt := f.test("Instant", store.TestInput{Steps: []string{`expect title "Fake shop"`}})
		j, done := benchJobs(b, f)
		ids := make([]uuid.UUID, queued)
		for i := range ids {
			ids[i] = tt.ID
		}
		b.StartTimer()
		began := time.Now()
		r, _, _, err := f.store.CreateRun(context.Background(), f.tenant.ID, store.RunInput{ProjectID: f.project.ID, TestIDs: ids}, j.Enqueue)
		if err != nil {
			b.Fatal(err)
		}
		start(b, j)
		finished(b, done, queued, 5*time.Minute)
		elapsed += time.Since(began)
		b.StopTimer()
		lat = append(lat, startLatencies(b, f, r.ID)...)
		b.StartTimer()
	}
	slices.Sort(lat)
	reportLatencies(b, lat, "")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "agents/s")
}

// BenchmarkEnqueueToStart measures the latency of one agent from its
// enqueueing transaction to its start on an idle worker, with 1,000 jobs
// queued in the table ahead of it in another queue (so the table and its
// indexes are not empty): the scheduling overhead itself.
//
//	go test ./jobs -run '^$' -bench 'EnqueueToStart$' -benchtime 200x
func BenchmarkEnqueueToStart(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, "https://shop.example.com")
	tt := f.test("Instant", store.TestInput{Steps: []string{`expect title "Fake shop"`}})
	j, done := benchJobs(b, f)
	backlog := make([]river.InsertManyParams, 1000)
	for i := range backlog {
		backlog[i] = river.InsertManyParams{Args: jobs.AgentArgs{TenantID: f.tenant.ID, AgentID: uuid.New()},
			InsertOpts: &river.InsertOpts{Queue: "backlog"}}
	}
	if _, err := j.Client().InsertMany(ctx, backlog); err != nil {
		b.Fatal(err)
	}
	start(b, j)
	var runs []uuid.UUID
	for b.Loop() {
		r, _, _, err := f.store.CreateRun(ctx, f.tenant.ID, store.RunInput{ProjectID: f.project.ID, TestIDs: []uuid.UUID{tt.ID}}, j.Enqueue)
		if err != nil {
			b.Fatal(err)
		}
		runs = append(runs, r.ID)
		finished(b, done, 1, time.Minute)
	}
	reportLatencies(b, startLatencies(b, f, runs...), "")
}
