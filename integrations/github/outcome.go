package github

import (
	"fmt"
	"regexp"
	"strings"
)

// Status is an agent's verdict, spelled as in the store and the API.
type Status string

// Verdicts a report is made for. Other statuses (queued, running,
// cancelled) are ignored.
const (
	StatusPassed Status = "passed"
	StatusFailed Status = "failed"
	StatusError  Status = "error"
)

// Target is where one project's reports go.
type Target struct {
	// InstallationID is the GitHub App installation that covers the
	// repository.
	InstallationID int64 `json:"installation_id"`
	// Repository is "owner/name".
	Repository string `json:"repository"`
	// ReportErrors also opens issues for verdict error (Argus could not
	// find out, e.g. the browser did not start), not only for failed.
	// Default false: errors are Argus's or the infrastructure's problem,
	// not the application's.
	ReportErrors bool `json:"report_errors,omitempty"`
	// CloseOnPass closes the test's issue when the test passes again.
	// Default false: the pass is only commented, a person closes.
	CloseOnPass bool `json:"close_on_pass,omitempty"`
}

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)

// Validate reports whether t can be used.
func (t Target) Validate() error {
	if t.InstallationID <= 0 {
		return fmt.Errorf("%w: installation id must be a positive number", ErrInvalid)
	}
	if !repoPattern.MatchString(t.Repository) || strings.HasSuffix(t.Repository, "/.") || strings.HasSuffix(t.Repository, "/..") {
		return fmt.Errorf("%w: repository %q is not owner/name", ErrInvalid, t.Repository)
	}
	return nil
}

func (t Target) split() (owner, repo string) {
	owner, repo, _ = strings.Cut(t.Repository, "/")
	return owner, repo
}

// Outcome is one agent's result, as reported. Its texts must already be
// redacted (the store keeps them that way); links must be absolute http(s)
// URLs or empty.
type Outcome struct {
	Target

	// TestID identifies the test across runs; it is what ties a new
	// failure to the open issue. Required.
	TestID string `json:"test_id"`
	// TestName is shown in the issue title.
	TestName string `json:"test_name"`
	// AgentID identifies this execution, so a retried report does not
	// comment twice.
	AgentID string `json:"agent_id"`
	Status  Status `json:"status"`
	// Summary is the agent's explanation of its verdict.
	Summary string `json:"summary"`
	// FailingStep describes the step where the test went wrong.
	FailingStep string `json:"failing_step,omitempty"`
	// ScreenshotURL shows the page at the failing step.
	ScreenshotURL string `json:"screenshot_url,omitempty"`
	// RunURL and AgentURL link to Argus's pages of the run and the agent.
	RunURL   string `json:"run_url,omitempty"`
	AgentURL string `json:"agent_url,omitempty"`
	// Commit and Branch are what CI said it tested, if anything.
	Commit string `json:"commit,omitempty"`
	Branch string `json:"branch,omitempty"`
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

// Validate reports whether o can be reported.
func (o Outcome) Validate() error {
	if err := o.Target.Validate(); err != nil {
		return err
	}
	// The ids go into HTML comments; a "-->" would end the marker early.
	if !idPattern.MatchString(o.TestID) {
		return fmt.Errorf("%w: test id %q must be 1 to 100 letters, digits or ._:-", ErrInvalid, o.TestID)
	}
	if o.AgentID != "" && !idPattern.MatchString(o.AgentID) {
		return fmt.Errorf("%w: agent id %q must be letters, digits or ._:-", ErrInvalid, o.AgentID)
	}
	return nil
}
