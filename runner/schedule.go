package runner

import (
	"sync"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
)

// schedule hands out the tests of one Run: tests on their own in the
// order given, a plan's tests as package plan lets them start. Workers
// call next until it says there is nothing left, and finish after each
// test; finish settles the plan's skips at once.
type schedule struct {
	mu    sync.Mutex
	cond  *sync.Cond
	tests []*suite.Test
	runs  []report.TestRun
	queue []int
	// left counts tests not yet ended (run or skipped).
	left   int
	index  map[*suite.Test]int
	plans  map[*suite.Plan]*planState
	queued map[int]map[string]string // vars of a queued plan test
}

// planState is one plan's progress in this run.
type planState struct {
	nodes      []plan.Node
	status     map[string]plan.Status
	remembered map[string]map[string]string
}

func newSchedule(tests []*suite.Test) *schedule {
	s := &schedule{tests: tests, runs: make([]report.TestRun, len(tests)), left: len(tests),
		index: map[*suite.Test]int{}, plans: map[*suite.Plan]*planState{}, queued: map[int]map[string]string{}}
	s.cond = sync.NewCond(&s.mu)
	for i, t := range tests {
		s.index[t] = i
	}
	for _, t := range tests {
		if t.Plan == nil || s.plans[t.Plan] != nil {
			continue
		}
		ps := &planState{nodes: t.Plan.Nodes(), status: map[string]plan.Status{}, remembered: map[string]map[string]string{}}
		// A test of the plan left out of this run did not run: what
		// needs it is skipped, saying so.
		for _, pt := range t.Plan.Tests {
			if _, in := s.index[pt]; !in {
				ps.status[pt.Name] = plan.Skipped
			}
		}
		s.plans[t.Plan] = ps
	}
	started := map[*suite.Test]bool{}
	for _, p := range s.planOrder() {
		for _, n := range s.advance(p) {
			started[n] = true
		}
	}
	for i, t := range tests {
		if t.Plan == nil || started[t] {
			s.queue = append(s.queue, i)
		}
	}
	return s
}

// planOrder lists the run's plans in the order their first test comes.
func (s *schedule) planOrder() []*suite.Plan {
	var out []*suite.Plan
	seen := map[*suite.Plan]bool{}
	for _, t := range s.tests {
		if t.Plan != nil && !seen[t.Plan] {
			seen[t.Plan] = true
			out = append(out, t.Plan)
		}
	}
	return out
}

// advance applies plan.Advance to p: skipped tests get their TestRun,
// startable ones are marked running with their inputs and returned (the
// caller queues them). Called with s.mu held.
func (s *schedule) advance(p *suite.Plan) []*suite.Test {
	ps := s.plans[p]
	next := plan.Advance(ps.nodes, ps.status)
	for _, sk := range next.Skip {
		ps.status[sk.Node] = plan.Skipped
		t := p.Test(sk.Node)
		if i, in := s.index[t]; in {
			s.runs[i] = report.Skipped(t, sk.Reason)
			s.left--
		}
	}
	var start []*suite.Test
	for _, name := range next.Start {
		ps.status[name] = plan.Running
		t := p.Test(name)
		s.queued[s.index[t]] = plan.Inputs(ps.nodes, name, ps.remembered)
		start = append(start, t)
	}
	return start
}

// next returns the next test to run and its inputs; ok is false when
// every test has ended.
func (s *schedule) next() (i int, vars map[string]string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) == 0 {
		if s.left == 0 {
			return 0, nil, false
		}
		s.cond.Wait()
	}
	i, s.queue = s.queue[0], s.queue[1:]
	vars = s.queued[i]
	delete(s.queued, i)
	return i, vars, true
}

// finish records test i's run and returns the runs of the plan's tests it
// made skip.
func (s *schedule) finish(i int, run report.TestRun) []report.TestRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.cond.Broadcast()
	s.runs[i] = run
	s.left--
	t := s.tests[i]
	if t.Plan == nil {
		return nil
	}
	ps := s.plans[t.Plan]
	st := nodeStatus(&run)
	ps.status[t.Name] = st
	if st == plan.Passed && run.Result != nil {
		ps.remembered[t.Name] = run.Result.Vars
	}
	var skipped []report.TestRun
	before := map[int]bool{}
	for j := range s.runs {
		before[j] = s.runs[j].Test != nil
	}
	for _, nt := range s.advance(t.Plan) {
		s.queue = append(s.queue, s.index[nt])
	}
	for j := range s.runs {
		if !before[j] && s.runs[j].Test != nil {
			skipped = append(skipped, s.runs[j])
		}
	}
	return skipped
}

// nodeStatus is how a test's run counts in its plan: only a pass lets
// what needs it run. An expected failure is still a failure there.
func nodeStatus(run *report.TestRun) plan.Status {
	switch {
	case run.SkipReason != "":
		return plan.Skipped
	case run.StartErr != nil || run.Result == nil:
		return plan.Error
	}
	switch run.Result.Verdict {
	case agent.VerdictPassed:
		return plan.Passed
	case agent.VerdictFailed:
		return plan.Failed
	case agent.VerdictCancelled:
		return plan.Cancelled
	}
	return plan.Error
}
