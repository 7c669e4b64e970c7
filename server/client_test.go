package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/argusqa/argus/client"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// TestCLIClientAgainstServer runs the remote CLI's client (package client)
// against this server: the two sides of the contract in api.md agree.
func TestCLIClientAgainstServer(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := client.New(client.Config{BaseURL: e.url, APIKey: a.memberKey.Plaintext})
	if err != nil {
		t.Fatal(err)
	}
	projects, err := c.Projects(ctx)
	if err != nil || len(projects) != 1 || projects[0].ID != a.project.ID {
		t.Fatalf("projects: %+v %v", projects, err)
	}
	synced, err := c.SyncTestFiles(ctx, a.project.ID, []client.TestFile{{Path: "t.yaml", Content: "name: Search\ngoal: find shoes\ntags: [ci]\n"}})
	if err != nil || len(synced) != 1 || synced[0].Change != "created" {
		t.Fatalf("sync: %+v %v", synced, err)
	}
	run, err := c.StartRun(ctx, a.project.ID, client.RunRequest{Tags: []string{"ci"}, CommitSHA: "c0ffee", Branch: "main"}, "build-7")
	if err != nil || len(run.Agents) != 1 || run.Agents[0].TestName != "Search" {
		t.Fatalf("start run: %+v %v", run, err)
	}
	again, err := c.StartRun(ctx, a.project.ID, client.RunRequest{Tags: []string{"ci"}, CommitSHA: "c0ffee", Branch: "main"}, "build-7")
	if err != nil || again.ID != run.ID {
		t.Fatalf("idempotent retry: %+v %v", again, err)
	}
	if _, err := c.StartRun(ctx, a.project.ID, client.RunRequest{Names: []string{"no such test"}}, ""); !client.IsClientError(err) {
		t.Fatalf("unknown test name: %v", err)
	}

	agent := run.Agents[0].ID
	seen := make(chan string, 64)
	followed := make(chan error, 1)
	go func() {
		followed <- c.FollowRun(ctx, run.ID, func(ev client.Event) error {
			seen <- ev.Type
			return nil
		})
	}()
	waitFor := func(typ string) {
		t.Helper()
		for {
			select {
			case got := <-seen:
				if got == typ {
					return
				}
			case <-ctx.Done():
				t.Fatalf("no %s event", typ)
			}
		}
	}
	waitFor("run")
	if _, err := e.store.StartAgent(ctx, a.tenant.ID, agent, 1, nil, "scripted:x"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AppendStep(ctx, a.tenant.ID, store.Step{AgentID: agent, Attempt: 1, Index: 0, Action: "navigate"}); err != nil {
		t.Fatal(err)
	}
	_ = events.Publish(ctx, e.store.Pool(), events.Event{Kind: events.KindStep, Tenant: a.tenant.ID, Run: run.ID, Agent: agent})
	waitFor("step")
	if _, err := e.store.FinishAgent(ctx, a.tenant.ID, agent, store.AgentResult{Status: store.StatusFailed, Summary: "no shoes"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.RefreshRunStatus(ctx, a.tenant.ID, run.ID); err != nil {
		t.Fatal(err)
	}
	_ = events.Publish(ctx, e.store.Pool(), events.Event{Kind: events.KindAgent, Tenant: a.tenant.ID, Run: run.ID, Agent: agent})
	_ = events.Publish(ctx, e.store.Pool(), events.Event{Kind: events.KindRun, Tenant: a.tenant.ID, Run: run.ID})
	// FollowRun consumes `event: end` itself and returns.
	select {
	case err := <-followed:
		if err != nil {
			t.Fatalf("FollowRun: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("FollowRun did not end with the run")
	}
	final, err := c.Run(ctx, run.ID)
	if err != nil || final.Status != "failed" || final.Agents[0].Summary != "no shoes" {
		t.Fatalf("final run: %+v %v", final, err)
	}
	steps, err := c.Steps(ctx, agent)
	if err != nil || len(steps) != 1 || steps[0].Action != "navigate" {
		t.Fatalf("steps: %+v %v", steps, err)
	}
}
