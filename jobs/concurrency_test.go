package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestAtMostMaxAgentsAtOnce queues 8 agents on one worker: never more than
// 5 browsers are open at once, and 5 are (the cap is reached, not just
// respected by running one at a time).
func TestAtMostMaxAgentsAtOnce(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	browsers := &fakeProvider{hold: 700 * time.Millisecond}
	j := f.newJobs(jobs.Config{Browser: browsers, Agent: agent.Config{NoScreenshots: true}})
	done := subscribe(j)
	var tests []*store.Test
	for i := range 8 {
		tests = append(tests, f.test("t"+string(rune('a'+i)), store.TestInput{Steps: []string{`expect title "Fake shop"`}}))
	}
	_, agents := f.run(j, tests...)
	start(t, j)
	finished(t, done, 8, 60*time.Second)
	if got := browsers.maxOpen.Load(); got != 5 {
		t.Fatalf("at most %d agents ran at once, want exactly 5 (the cap)", got)
	}
	for _, a := range agents {
		if got := f.agent(a.ID); got.Status != store.StatusPassed {
			t.Errorf("agent %s: %s %s", got.TestName, got.Status, got.Summary)
		}
	}
}

// reapingProvider is a provider that can reap orphans, like browser/docker.
type reapingProvider struct {
	fakeProvider
	reaped chan struct{}
}

func (p *reapingProvider) Reap(context.Context) (int, error) {
	select {
	case p.reaped <- struct{}{}:
	default:
	}
	return 0, nil
}

// TestOrphanBrowsersAreReaped: a worker whose provider can reap asks it to
// on every ReapInterval, and stops asking when stopped.
func TestOrphanBrowsersAreReaped(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	p := &reapingProvider{reaped: make(chan struct{})}
	j := f.newJobs(jobs.Config{Browser: p, ReapInterval: 20 * time.Millisecond})
	start(t, j)
	for range 3 {
		select {
		case <-p.reaped:
		case <-time.After(10 * time.Second):
			t.Fatal("the provider was not asked to reap")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := j.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.reaped:
		t.Fatal("reaping went on after Stop")
	case <-time.After(100 * time.Millisecond):
	}
}
