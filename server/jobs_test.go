package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/argusqa/argus/jobs"
)

// TestRunsThroughRiver uses the real scheduler (package jobs, insert-only:
// no worker here): a run's agents become River jobs in the same
// transaction, the queue depth shows on /metrics, and cancelling through
// the API cancels the jobs.
func TestRunsThroughRiver(t *testing.T) {
	var j *jobs.Jobs
	e := newEnv(t, func(c *envConfig) {
		var err error
		j, err = jobs.New(jobs.Config{Pool: c.App.Store.Pool(), Store: c.App.Store})
		if err != nil {
			t.Fatal(err)
		}
		c.App.Scheduler = j
	})
	a := e.world("acme")
	ctx := context.Background()
	count := func(state string) int {
		var n int
		if err := e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE queue = 'agents' AND state = $1::river_job_state`, state).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	r := e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/runs", key(a.memberKey), map[string]any{"names": []string{"Checkout"}})
	var run runOut
	r.json(t, &run)
	if r.status != 201 || len(run.Agents) != 1 {
		t.Fatalf("create run: %d %s", r.status, r.body)
	}
	if n := count("available"); n != 1 {
		t.Fatalf("%d available agent jobs, want 1", n)
	}
	m := e.do("GET", "/metrics", cred{}, nil)
	if !strings.Contains(string(m.body), `argus_queue_jobs{queue="agents",state="available"} 1`) {
		t.Fatalf("queue depth missing from metrics")
	}
	if r := e.do("POST", "/api/v1/runs/"+run.ID+"/cancel", key(a.memberKey), nil); r.status != 202 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	if n, c := count("available"), count("cancelled"); n != 0 || c != 1 {
		t.Fatalf("after cancel: %d available, %d cancelled jobs", n, c)
	}
}
