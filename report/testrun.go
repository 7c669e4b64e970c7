package report

import (
	"errors"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

// SkipNoModel is the skip reason of a test that needs a language model when
// none is configured.
const SkipNoModel = "needs a language model: set ARGUS_MODEL=provider:model (for example gemini:gemini-2.5-flash or openai:gpt-4.1)"

// TestRun is everything reported about one test of a run.
//
// The runner fills it in one of three ways: [Recorder.Finish] after the
// agent returned (or failed to start), [Skipped] for a test it did not run,
// or by hand.
type TestRun struct {
	// Test is the test as written: name, file:line, tags, expected
	// failure. Required.
	Test *suite.Test
	// Result is the agent's result; nil when the test was skipped or could
	// not start.
	Result *agent.Result
	// Steps are the recorded steps, in order.
	Steps []Step
	// SkipReason, when set, says why the test was not run.
	SkipReason string
	// StartErr, when set, is why the test could not start: a missing
	// secret, a browser that would not launch, an invalid task.
	StartErr error
	// Started is when the test started (zero when skipped).
	Started time.Time
	// Video is the test's recording, a slash path relative to the report
	// directory (videos/<slug>.webm); empty when none was kept.
	Video string
}

// Skipped returns the TestRun of a test that was not run, with the reason
// shown to the user.
func Skipped(t *suite.Test, reason string) TestRun {
	return TestRun{Test: t, SkipReason: reason}
}

// Status says how the test is reported. A start error wins over a result,
// and an expected failure only excuses a failure: a test marked
// expected_failure that ends in error is still an error.
func (r *TestRun) Status() Status {
	switch {
	case r.SkipReason != "":
		return StatusSkipped
	case r.StartErr != nil && errors.Is(r.StartErr, agent.ErrNoModel):
		return StatusSkipped
	case r.StartErr != nil || r.Result == nil:
		return StatusError
	}
	expected := r.Test != nil && r.Test.ExpectedFailure != ""
	switch r.Result.Verdict {
	case agent.VerdictPassed:
		if expected {
			return StatusUnexpectedPass
		}
		return StatusPassed
	case agent.VerdictFailed:
		if expected {
			return StatusExpectedFailure
		}
		return StatusFailed
	}
	// Error, cancelled, or a verdict this package does not know: Argus
	// could not tell, which must never read as a pass or a failure.
	return StatusError
}

// Name is the test's name, or a placeholder when the TestRun has no test.
func (r *TestRun) Name() string {
	if r.Test == nil {
		return "(unnamed test)"
	}
	return r.Test.Name
}

// Message is the one thing to say about the test: the skip reason, the
// start error, or the result's summary.
func (r *TestRun) Message() string {
	switch {
	case r.SkipReason != "":
		return r.SkipReason
	case r.StartErr != nil && errors.Is(r.StartErr, agent.ErrNoModel):
		return SkipNoModel
	case r.StartErr != nil:
		return "could not start: " + r.StartErr.Error()
	case r.Result == nil:
		return "could not start: no result"
	case r.Result.Summary == "" && r.Status() == StatusError:
		return "ended without a verdict or summary"
	}
	return r.Result.Summary
}

// Reason is the machine-readable cause of a failure or error (the agent's
// Result.Reason), "start" for a test that could not start, "" otherwise.
func (r *TestRun) Reason() string {
	switch r.Status() {
	case StatusPassed, StatusSkipped:
		return ""
	case StatusUnexpectedPass:
		return "unexpected_pass"
	}
	if r.Result == nil {
		return "start"
	}
	if r.Result.Reason != "" {
		return r.Result.Reason
	}
	return string(r.Result.Verdict)
}

// Duration is how long the agent ran; zero when it did not.
func (r *TestRun) Duration() time.Duration {
	if r.Result == nil {
		return 0
	}
	return r.Result.Duration
}

// FailingStep returns the step the result names as the failing one, or nil.
func (r *TestRun) FailingStep() *Step {
	if r.Result == nil || r.Result.FailedStep < 0 {
		return nil
	}
	for i := range r.Steps {
		if r.Steps[i].Index == r.Result.FailedStep {
			return &r.Steps[i]
		}
	}
	return nil
}

// LastScreenshot is the screenshot that best shows how the test ended: the
// failing step's, else the last one taken. "" when there is none.
func (r *TestRun) LastScreenshot() string {
	if s := r.FailingStep(); s != nil && s.Screenshot != "" {
		return s.Screenshot
	}
	for i := len(r.Steps) - 1; i >= 0; i-- {
		if r.Steps[i].Screenshot != "" {
			return r.Steps[i].Screenshot
		}
	}
	return ""
}
