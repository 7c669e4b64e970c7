package runner

import (
	"sync"
	"testing"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
)

// TestScheduleRunsPlansAsGraphs drives the schedule from several workers:
// a plan's root first, its two branches only after it passed (with its
// values), a failed branch's dependent skipped with the reason, a test on
// its own whenever a worker is free, and every test ended exactly once.
func TestScheduleRunsPlansAsGraphs(t *testing.T) {
	p := &suite.Plan{Name: "Shop"}
	mk := func(name string, needs ...string) *suite.Test {
		tc := &suite.Test{Name: name, Plan: p, Needs: needs}
		p.Tests = append(p.Tests, tc)
		return tc
	}
	order, ship, review, track := mk("order"), mk("ship", "order"), mk("review", "order"), mk("track", "ship")
	alone := &suite.Test{Name: "alone"}
	tests := []*suite.Test{alone, order, ship, review, track}
	verdict := map[string]agent.Verdict{"alone": agent.VerdictPassed, "order": agent.VerdictPassed, "ship": agent.VerdictFailed, "review": agent.VerdictPassed}

	s := newSchedule(tests)
	var mu sync.Mutex
	ended := map[string]int{}
	got := map[string]map[string]string{}
	var skipped []report.TestRun
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				i, vars, ok := s.next()
				if !ok {
					return
				}
				tc := tests[i]
				mu.Lock()
				got[tc.Name] = vars
				for _, need := range tc.Needs {
					if ended[need] == 0 {
						t.Errorf("%s started before its need %s ended", tc.Name, need)
					}
				}
				ended[tc.Name]++
				mu.Unlock()
				res := &agent.Result{Verdict: verdict[tc.Name]}
				if tc.Name == "order" {
					res.Vars = map[string]string{"order_id": "A-1001"}
				}
				more := s.finish(i, report.TestRun{Test: tc, Result: res})
				mu.Lock()
				skipped = append(skipped, more...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, name := range []string{"alone", "order", "ship", "review"} {
		if ended[name] != 1 {
			t.Errorf("%s ran %d times", name, ended[name])
		}
	}
	if ended["track"] != 0 || len(skipped) != 1 || skipped[0].Test != track || skipped[0].SkipReason != `not run: it needs "ship", which failed` {
		t.Errorf("skips: %+v (track ran %d times)", skipped, ended["track"])
	}
	if got["ship"]["order_id"] != "A-1001" || got["review"]["order_id"] != "A-1001" || len(got["order"]) != 0 {
		t.Errorf("inputs: %v", got)
	}
	if r := s.runs[4]; r.Test != track || r.SkipReason == "" {
		t.Errorf("track's run: %+v", r)
	}
}
