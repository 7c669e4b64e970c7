package jobs_test

import (
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
