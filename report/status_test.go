package report

import (
	"errors"
	"fmt"
	"testing"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

func TestStatus(t *testing.T) {
	plain := &suite.Test{Name: "t"}
	expected := &suite.Test{Name: "t", ExpectedFailure: "known bug"}
	res := func(v agent.Verdict) *agent.Result { return &agent.Result{Verdict: v, FailedStep: -1} }
	cases := []struct {
		name string
		run  TestRun
		want Status
	}{
		{"passed", TestRun{Test: plain, Result: res(agent.VerdictPassed)}, StatusPassed},
		{"failed", TestRun{Test: plain, Result: res(agent.VerdictFailed)}, StatusFailed},
		{"error", TestRun{Test: plain, Result: res(agent.VerdictError)}, StatusError},
		{"cancelled is an error", TestRun{Test: plain, Result: res(agent.VerdictCancelled)}, StatusError},
		{"no verdict is an error", TestRun{Test: plain, Result: res("")}, StatusError},
		{"unknown verdict is an error", TestRun{Test: plain, Result: res("maybe")}, StatusError},
		{"skipped", Skipped(plain, "no model"), StatusSkipped},
		{"could not start", TestRun{Test: plain, StartErr: errors.New("no browser")}, StatusError},
		{"no result", TestRun{Test: plain}, StatusError},
		{"no model is a skip", TestRun{Test: plain, StartErr: fmt.Errorf("run: %w", agent.ErrNoModel)}, StatusSkipped},
		{"start error wins over a result", TestRun{Test: plain, Result: res(agent.VerdictPassed), StartErr: errors.New("x")}, StatusError},
		{"expected failure failed", TestRun{Test: expected, Result: res(agent.VerdictFailed)}, StatusExpectedFailure},
		{"expected failure passed", TestRun{Test: expected, Result: res(agent.VerdictPassed)}, StatusUnexpectedPass},
		{"expected failure in error stays an error", TestRun{Test: expected, Result: res(agent.VerdictError)}, StatusError},
		{"expected failure skipped", Skipped(expected, "no model"), StatusSkipped},
		{"no test", TestRun{Result: res(agent.VerdictFailed)}, StatusFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.run.Status(); got != c.want {
				t.Errorf("Status() = %s, want %s", got, c.want)
			}
		})
	}
}

func TestStatusLabelsAndOK(t *testing.T) {
	ok := map[Status]bool{StatusPassed: true, StatusExpectedFailure: true, StatusSkipped: true}
	seen := map[string]bool{}
	for _, s := range allStatuses() {
		if s.OK() != ok[s] {
			t.Errorf("%s.OK() = %v", s, s.OK())
		}
		if l := s.Label(); l == "unknown" || seen[l] {
			t.Errorf("%s has label %q, missing or shared", s, l)
		} else {
			seen[l] = true
		}
		if !validSlug(string(s)) {
			t.Errorf("status %q cannot serve as a CSS class", s)
		}
	}
	if Status("other").Label() != "unknown" || Status("other").OK() {
		t.Error("an unknown status must not read as a pass")
	}
}

func TestMessageAndReason(t *testing.T) {
	tt := &suite.Test{Name: "t", ExpectedFailure: "known"}
	cases := []struct {
		run         TestRun
		msg, reason string
	}{
		{Skipped(tt, "why not"), "why not", ""},
		{TestRun{Test: tt, StartErr: errors.New("boom")}, "could not start: boom", "start"},
		{TestRun{Test: tt, StartErr: agent.ErrNoModel}, SkipNoModel, ""},
		{TestRun{Test: tt}, "could not start: no result", "start"},
		{TestRun{Test: tt, Result: &agent.Result{Verdict: agent.VerdictError}}, "ended without a verdict or summary", "error"},
		{TestRun{Test: tt, Result: &agent.Result{Verdict: agent.VerdictFailed, Reason: "step", Summary: "s"}}, "s", "step"},
		{TestRun{Test: tt, Result: &agent.Result{Verdict: agent.VerdictPassed, Summary: "ok"}}, "ok", "unexpected_pass"},
	}
	for i, c := range cases {
		if got := c.run.Message(); got != c.msg {
			t.Errorf("%d: Message() = %q, want %q", i, got, c.msg)
		}
		if got := c.run.Reason(); got != c.reason {
			t.Errorf("%d: Reason() = %q, want %q", i, got, c.reason)
		}
	}
	if (&TestRun{}).Name() == "" {
		t.Error("a TestRun without a test needs a printable name")
	}
}

func TestFailingStepAndScreenshot(t *testing.T) {
	r := TestRun{
		Test:   &suite.Test{Name: "t"},
		Result: &agent.Result{Verdict: agent.VerdictFailed, FailedStep: 2},
		Steps:  []Step{{Index: 0, Screenshot: "a.png"}, {Index: 1, Screenshot: "b.png"}, {Index: 2}},
	}
	if s := r.FailingStep(); s == nil || s.Index != 2 {
		t.Fatalf("FailingStep() = %+v", s)
	}
	// The failing step has no screenshot: the last one taken is next best.
	if got := r.LastScreenshot(); got != "b.png" {
		t.Errorf("LastScreenshot() = %q", got)
	}
	r.Steps[2].Screenshot = "c.png"
	if got := r.LastScreenshot(); got != "c.png" {
		t.Errorf("LastScreenshot() = %q", got)
	}
	r.Result.FailedStep = 9
	if r.FailingStep() != nil {
		t.Error("FailingStep() must be nil when the index is not among the steps")
	}
	r.Result.FailedStep = -1
	if r.FailingStep() != nil {
		t.Error("FailingStep() must be nil when no step failed")
	}
}

func TestExitCode(t *testing.T) {
	runs := fixtureRuns(t)
	by := map[Status][]TestRun{}
	for _, r := range runs {
		by[r.Status()] = append(by[r.Status()], r)
	}
	pick := func(ss ...Status) []TestRun {
		var out []TestRun
		for _, s := range ss {
			if len(by[s]) == 0 {
				t.Fatalf("fixture has no %s run", s)
			}
			out = append(out, by[s][0])
		}
		return out
	}
	cases := []struct {
		name string
		runs []TestRun
		want int
	}{
		{"nothing", nil, ExitOK},
		{"passed", pick(StatusPassed), ExitOK},
		{"passed, expected failure and skip", pick(StatusPassed, StatusExpectedFailure, StatusSkipped), ExitOK},
		{"only skipped", pick(StatusSkipped), ExitOK},
		{"a failure", pick(StatusPassed, StatusFailed), ExitFailed},
		{"an unexpected pass", pick(StatusPassed, StatusUnexpectedPass), ExitFailed},
		{"an error", pick(StatusPassed, StatusError), ExitError},
		{"error outranks failure, in any order", pick(StatusError, StatusFailed), ExitError},
		{"failure then error", pick(StatusFailed, StatusExpectedFailure, StatusError), ExitError},
		{"the whole fixture", runs, ExitError},
	}
	for _, c := range cases {
		if got := ExitCode(c.runs); got != c.want {
			t.Errorf("%s: ExitCode = %d, want %d", c.name, got, c.want)
		}
	}
}
