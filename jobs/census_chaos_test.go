//go:build chaos

package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/moby/moby/client"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/docker"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestHundredAgentsThroughTwoWorkers runs 100 agents through two workers,
// each with its own docker provider (a node of its own), while a census
// counts every node's containers every 100 ms: no node ever holds more
// than its cap of 5, every agent passes, and no container is left.
func TestHundredAgentsThroughTwoWorkers(t *testing.T) {
	const agents, perRun = 100, 25
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", page("Shop", `<h1>Shop</h1><p>Open every day.</p>`))
	f := newFixture(t, newApp(t, mux).URL)
	var workers []*jobs.Jobs
	var nodes []string
	var dc *client.Client
	for range 2 {
		p, c, node := dockerBrowsers(t)
		dc = c
		nodes = append(nodes, node)
		workers = append(workers, f.newJobs(jobs.Config{Browser: p}))
	}
	ends := make(chan *river.Event, agents)
	for _, j := range workers {
		sub, cancel := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
		t.Cleanup(cancel)
		go func() {
			for ev := range sub {
				if ev.Job.Kind == (jobs.AgentArgs{}).Kind() && (ev.Kind != river.EventKindJobFailed || ev.Job.Attempt >= ev.Job.MaxAttempts) {
					ends <- ev
				}
			}
		}()
	}
	var tests []*store.Test
	for i := range perRun {
		tests = append(tests, f.test(fmt.Sprintf("Opening hours %02d", i), store.TestInput{Steps: []string{`expect text "Open every day"`}}))
	}
	var runs []uuid.UUID
	for range agents / perRun {
		r, _ := f.run(workers[0], tests...)
		runs = append(runs, r.ID)
	}

	// The census.
	ctx, stopCensus := context.WithCancel(t.Context())
	var mu sync.Mutex
	maxPerNode := map[string]int{}
	samples := 0
	censusDone := make(chan struct{})
	go func() {
		defer close(censusDone)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			for _, node := range nodes {
				f := make(client.Filters).Add("label", docker.LabelManaged+"=true", docker.LabelNode+"="+node)
				res, err := dc.ContainerList(ctx, client.ContainerListOptions{Filters: f})
				if err != nil {
					continue // the test ending
				}
				mu.Lock()
				maxPerNode[node] = max(maxPerNode[node], len(res.Items))
				mu.Unlock()
			}
			mu.Lock()
			samples++
			mu.Unlock()
		}
	}()
	began := time.Now()
	for _, j := range workers {
		start(t, j)
	}
	for n := 0; n < agents; n++ {
		select {
		case <-ends:
		case <-time.After(20 * time.Minute):
			t.Fatalf("only %d of %d agents ended", n, agents)
		}
	}
	took := time.Since(began)
	stopCensus()
	<-censusDone

	byStatus := map[store.Status]int{}
	for _, id := range runs {
		as, err := f.store.ListAgents(t.Context(), f.tenant.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			byStatus[a.Status]++
		}
	}
	if byStatus[store.StatusPassed] != agents {
		t.Errorf("agents by status %v, want all %d passed", byStatus, agents)
	}
	for _, node := range nodes {
		if maxPerNode[node] > browser.DefaultMaxSessions {
			t.Errorf("node %s held %d containers at once, over the cap of %d", node, maxPerNode[node], browser.DefaultMaxSessions)
		}
	}
	for deadline := time.Now().Add(time.Minute); ; {
		left := 0
		for _, node := range nodes {
			left += len(containersOf(t, dc, node, ""))
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d containers left after every agent ended", left)
		}
		select {
		case <-t.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Logf("CHAOS %d agents through 2 workers in %s: %v; most containers at once per node %v (cap %d) over %d censuses; none left",
		agents, took.Round(time.Second), byStatus, maxPerNode, browser.DefaultMaxSessions, samples)
}
