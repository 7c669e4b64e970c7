package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestLostAgentsAreRecordedAsErrors: an agent whose job River discarded
// (its worker died on the last attempt) or that has no job at all is
// recorded as an error by the periodic reconciliation; an agent whose job
// is still pending is left alone.
func TestLostAgentsAreRecordedAsErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	j := f.newJobs(jobs.Config{Browser: &fakeProvider{}, ReconcileInterval: time.Hour})
	tt := f.test("Any", store.TestInput{Steps: []string{`expect title "Fake shop"`}})

	_, noJob, _, err := f.store.CreateRun(ctx, f.tenant.ID, store.RunInput{ProjectID: f.project.ID, TestIDs: []uuid.UUID{tt.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, discarded := f.run(j, tt)
	_, pending := f.run(j, tt)
	for agent, q := range map[uuid.UUID]string{
		discarded[0].ID: `UPDATE river_job SET state = 'discarded', finalized_at = now() WHERE args->>'agent_id' = $1`,
		pending[0].ID:   `UPDATE river_job SET state = 'scheduled', scheduled_at = now() + interval '1 hour' WHERE args->>'agent_id' = $1`,
	} {
		if _, err := f.pool.Exec(ctx, `UPDATE agents SET status = 'running', attempt = 3 WHERE id = $1`, agent); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pool.Exec(ctx, q, agent.String()); err != nil {
			t.Fatal(err)
		}
	}
	ch, _ := j.Client().Subscribe(river.EventKindJobCompleted)
	start(t, j)
	deadline := time.After(60 * time.Second)
	for done := false; !done; {
		select {
		case ev := <-ch:
			done = ev.Job.Kind == (jobs.ReconcileArgs{}).Kind()
		case <-deadline:
			t.Fatal("the reconciliation did not run")
		}
	}
	for _, id := range []uuid.UUID{noJob[0].ID, discarded[0].ID} {
		if a := f.agent(id); a.Status != store.StatusError || a.ErrorReason != jobs.ReasonLost {
			t.Errorf("lost agent: %+v", a)
		}
	}
	if a := f.agent(pending[0].ID); a.Status != store.StatusRunning {
		t.Errorf("agent with a pending job: %+v", a)
	}
}
