package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestAgentFinishedHook: integrations hear of every agent that ends,
// exactly once, with its verdict and its run as stored — whether a worker
// ended it or CancelAgent did before it started.
func TestAgentFinishedHook(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	var mu sync.Mutex
	heard := map[uuid.UUID][]store.Status{}
	runs := map[uuid.UUID]store.Status{}
	j := f.newJobs(jobs.Config{
		Browser: &fakeProvider{}, Agent: agent.Config{NoScreenshots: true, ExpectTimeout: 50 * time.Millisecond},
		AgentFinished: func(_ context.Context, c *river.Client[pgx.Tx], a *store.Agent, run *store.Run) {
			if c == nil {
				t.Error("no River client given")
			}
			mu.Lock()
			defer mu.Unlock()
			heard[a.ID] = append(heard[a.ID], a.Status)
			runs[run.ID] = run.Status
		},
	})
	done := subscribe(j)
	pass := f.test("Passes", store.TestInput{Steps: []string{`expect title "Fake shop"`}})
	fail := f.test("Fails", store.TestInput{Steps: []string{`expect title "Real shop"`}})
	_, cancelled := f.run(j, pass)
	if err := j.CancelAgent(ctx, f.tenant.ID, cancelled[0].ID); err != nil {
		t.Fatal(err)
	}
	run, agents := f.run(j, pass, fail)
	start(t, j)
	finished(t, done, 2, 30*time.Second)

	mu.Lock()
	defer mu.Unlock()
	for id, want := range map[uuid.UUID]store.Status{
		cancelled[0].ID: store.StatusCancelled, agents[0].ID: store.StatusPassed, agents[1].ID: store.StatusFailed,
	} {
		if got := heard[id]; len(got) != 1 || got[0] != want {
			t.Errorf("agent %s: heard %v, want once %s", id, got, want)
		}
	}
	if runs[run.ID] != store.StatusFailed && runs[run.ID] != store.StatusRunning {
		t.Errorf("run as heard: %s", runs[run.ID])
	}
}
