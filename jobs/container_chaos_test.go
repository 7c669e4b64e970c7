package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser/docker"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// dockerBrowsers is the docker provider for one test, on a node name of
// its own and without warm spares (every container is an agent's), or a
// skip when no engine answers.
func dockerBrowsers(t *testing.T) (*docker.Provider, *client.Client, string) {
	t.Helper()
	c, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatalf("docker client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		t.Skipf("no Docker engine answers (%v)", err)
	}
	if _, err := c.ImageInspect(ctx, docker.DefaultImage); err != nil {
		t.Fatalf("browser image %s missing (%v); build it with `make browser-image`", docker.DefaultImage, err)
	}
	node := fmt.Sprintf("jobs-chaos-%d", time.Now().UnixNano()%1e9)
	p, err := docker.New(t.Context(), docker.Config{Docker: c, NodeName: node, WarmSpares: -1, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	return p, c, node
}

// containersOf lists the containers of node (running or not) with the
// agent they serve.
func containersOf(t *testing.T, c *client.Client, node string, agent string) []string {
	t.Helper()
	f := make(client.Filters).Add("label", docker.LabelManaged+"=true", docker.LabelNode+"="+node)
	if agent != "" {
		f = f.Add("label", docker.LabelAgent+"="+agent)
	}
	res, err := c.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	var ids []string
	for _, it := range res.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// TestBrowserContainerKilledMidStep kills an agent's browser container
// with SIGKILL while a step waits on the page: the attempt ends as an
// infrastructure error, the agent runs again as attempt 2 in a new
// container and passes, the steps of both attempts stay in the record,
// and no container is left.
func TestBrowserContainerKilledMidStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts browser containers")
	}
	app := newWaitingApp(t)
	f := newFixture(t, app.url)
	browsers, dc, node := dockerBrowsers(t)
	tt := f.test("Waits until ready", store.TestInput{Steps: []string{`wait for "Ready" within 60s`}})
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	_, agents := f.run(j, tt)
	agentID := agents[0].ID.String()
	start(t, j)

	// The page is polling, so the agent is inside its wait step.
	select {
	case <-app.polling:
	case <-time.After(3 * time.Minute):
		t.Fatal("the page never polled: the browser did not open it")
	}
	victims := containersOf(t, dc, node, agentID)
	if len(victims) != 1 {
		t.Fatalf("want one container for the agent, found %v", victims)
	}
	if _, err := dc.ContainerKill(t.Context(), victims[0], client.ContainerKillOptions{Signal: "KILL"}); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	app.ready.Store(true) // the next attempt finds the page ready

	evs := finished(t, done, 1, 5*time.Minute)
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusPassed || a.Attempt != 2 {
		t.Fatalf("agent after its container was killed: %+v (job %s)", a, evs[0].Job.State)
	}
	steps, err := f.store.ListSteps(t.Context(), f.tenant.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	perAttempt := map[int]int{}
	for _, st := range steps {
		perAttempt[st.Attempt]++
	}
	if perAttempt[1] == 0 || perAttempt[2] == 0 {
		t.Fatalf("steps per attempt %v: both attempts must stay in the record", perAttempt)
	}
	// The killed container is removed with its session; the second one
	// when the agent ends.
	for deadline := time.Now().Add(30 * time.Second); ; {
		left := containersOf(t, dc, node, "")
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("containers left after the agent ended: %v", left)
		}
		select {
		case <-t.Context().Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Logf("CHAOS browser container killed mid-step → attempt 2 passed %s later; steps kept per attempt %v; no container left",
		time.Since(killedAt).Round(time.Second), perAttempt)
}
