package report

// Status is how a test is reported. It refines the agent's verdict with
// what the run knows besides: whether the test was skipped or could not
// start, and whether it was expected to fail.
type Status string

// Statuses. Their values double as CSS class names and JSON values, so they
// are single lower-case words joined by hyphens.
const (
	// StatusPassed: the application did what the test says.
	StatusPassed Status = "passed"
	// StatusFailed: the application did not do what the test says.
	StatusFailed Status = "failed"
	// StatusError: Argus could not find out — the test could not start,
	// the browser or the model failed, a limit was hit, the run was
	// cancelled.
	StatusError Status = "error"
	// StatusSkipped: the test was not run, for example because it needs a
	// model and none is configured.
	StatusSkipped Status = "skipped"
	// StatusExpectedFailure: a test marked expected_failure failed, as
	// expected. It does not fail the run.
	StatusExpectedFailure Status = "expected-failure"
	// StatusUnexpectedPass: a test marked expected_failure passed. The
	// known problem may be fixed, or the test no longer catches it; either
	// way someone must look, so it fails the run.
	StatusUnexpectedPass Status = "unexpected-pass"
)

// allStatuses lists every status in the order reports show them: the
// ones that need attention first.
func allStatuses() []Status {
	return []Status{StatusFailed, StatusUnexpectedPass, StatusError, StatusExpectedFailure, StatusPassed, StatusSkipped}
}

// Label is the status in words, as people read it in reports.
func (s Status) Label() string {
	switch s {
	case StatusExpectedFailure:
		return "failed as expected"
	case StatusUnexpectedPass:
		return "passed unexpectedly"
	case StatusPassed, StatusFailed, StatusError, StatusSkipped:
		return string(s)
	}
	return "unknown"
}

// OK reports whether the status lets the run succeed: passes, expected
// failures and skips do; failures, surprises and errors do not.
func (s Status) OK() bool {
	return s == StatusPassed || s == StatusExpectedFailure || s == StatusSkipped
}
