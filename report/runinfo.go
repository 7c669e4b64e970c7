package report

import (
	"time"

	"github.com/argusqa/argus/agent/llm"
)

// RunInfo describes a run as a whole, for the JUnit file, the HTML report
// and the closing summary.
type RunInfo struct {
	// Name names the run: the JUnit testsuites name and the HTML title.
	// Default "argus".
	Name string
	// Started is when the run began. Default: the earliest test start.
	Started time.Time
	// Elapsed is the run's wall-clock time; with parallel agents it is
	// less than the tests' durations added up. Default: that sum.
	Elapsed time.Duration
	// Model is the configured model as provider:model; "" when none.
	Model string
	// BaseURL is the application's base URL; "" when not given.
	BaseURL string
	// ReportDir is the report directory as the user gave it (screenshot
	// paths are relative to it); "" when no report is written.
	ReportDir string
	// JUnitPath is where the JUnit XML was written; "" when it was not.
	JUnitPath string
}

// WithDefaults returns i with zero fields derived from runs.
func (i RunInfo) WithDefaults(runs []TestRun) RunInfo {
	if i.Name == "" {
		i.Name = "argus"
	}
	if i.Started.IsZero() {
		for _, r := range runs {
			if !r.Started.IsZero() && (i.Started.IsZero() || r.Started.Before(i.Started)) {
				i.Started = r.Started
			}
		}
	}
	if i.Elapsed == 0 {
		for _, r := range runs {
			i.Elapsed += r.Duration()
		}
	}
	return i
}

// Totals are a run's counts and sums.
type Totals struct {
	Tests int
	// ByStatus counts the tests per status.
	ByStatus map[Status]int
	// Duration is the tests' durations added up.
	Duration time.Duration
	// Usage is the model's token use over all tests.
	Usage      llm.Usage
	ModelCalls int
	Steps      int
}

// Count returns the totals of runs.
func Count(runs []TestRun) Totals {
	t := Totals{Tests: len(runs), ByStatus: make(map[Status]int, len(allStatuses()))}
	for i := range runs {
		r := &runs[i]
		t.ByStatus[r.Status()]++
		t.Duration += r.Duration()
		if r.Result != nil {
			t.Usage = t.Usage.Add(r.Result.Usage)
			t.ModelCalls += r.Result.ModelCalls
		}
		t.Steps += len(r.Steps)
	}
	return t
}
