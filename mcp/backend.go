package mcp

import "context"

// Backend is what the tools work on: the server's application layer for
// one principal (HTTP), or test files and an in-process runner (stdio).
// Errors meant for the caller are returned as they are and shown to the
// client as tool errors.
type Backend interface {
	// ListTests lists tests, filtered by the input.
	ListTests(ctx context.Context, in ListTestsInput) ([]Test, error)
	// RunTests runs the selected tests, or one ad-hoc test, and waits for
	// the end unless in.NoWait. progress is called as agents start, record
	// steps and finish. When ctx ends first, the run is cancelled.
	RunTests(ctx context.Context, in RunTestsInput, progress func(Progress)) (*Run, error)
	// GetRun returns a run with its agents.
	GetRun(ctx context.Context, id string) (*Run, error)
	// GetAgent returns an agent with its steps.
	GetAgent(ctx context.Context, id string) (*Agent, error)
	// Screenshot returns a step's screenshot and its media type.
	Screenshot(ctx context.Context, agent string, attempt, index int) ([]byte, string, error)
	// SaveTest checks a YAML test file with the test-file rules and saves
	// its tests.
	SaveTest(ctx context.Context, in SaveTestInput) ([]Test, error)
}

// Progress is one step forward of a run in flight.
type Progress struct {
	// Done and Total count finished agents of the run.
	Done, Total int
	Message     string
}

// Test is a test as the tools show it.
type Test struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name"`
	URL     string   `json:"url,omitempty"`
	Goal    string   `json:"goal,omitempty"`
	Steps   []string `json:"steps,omitempty"`
	Tags    []string `json:"tags,omitempty"`
	File    string   `json:"file,omitempty"`
	Change  string   `json:"change,omitempty"`
	Project string   `json:"project,omitempty"`
}

// Run is a run with its agents.
type Run struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Finished bool    `json:"finished"`
	Agents   []Agent `json:"agents"`
	Link     string  `json:"link,omitempty"`
}

// Agent is one test's execution within a run.
type Agent struct {
	ID         string `json:"id"`
	RunID      string `json:"run_id"`
	Test       string `json:"test"`
	Status     string `json:"status"`
	Summary    string `json:"summary,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Iterations int    `json:"iterations"`
	// FailedStep is the index of the step that failed, when one did.
	FailedStep *int   `json:"failed_step,omitempty"`
	Steps      []Step `json:"steps,omitempty"`
}

// Step is one recorded step of an agent.
type Step struct {
	Index         int            `json:"index"`
	Attempt       int            `json:"attempt,omitempty"`
	Thought       string         `json:"thought,omitempty"`
	Action        string         `json:"action"`
	Args          map[string]any `json:"args,omitempty"`
	Outcome       string         `json:"outcome"`
	Failed        bool           `json:"failed,omitempty"`
	URL           string         `json:"url,omitempty"`
	HasScreenshot bool           `json:"has_screenshot,omitempty"`
}

// ListTestsInput filters list_tests.
type ListTestsInput struct {
	Project string   `json:"project,omitempty" jsonschema:"the project's id or name; may be left out when the key's tenant has one project (server only)"`
	Tags    []string `json:"tags,omitempty" jsonschema:"keep tests carrying all of these tags"`
	Search  string   `json:"search,omitempty" jsonschema:"keep tests whose name or goal contains this text"`
}

// RunTestsInput selects what run_tests runs.
type RunTestsInput struct {
	Project string   `json:"project,omitempty" jsonschema:"the project's id or name; may be left out when the key's tenant has one project (server only)"`
	Names   []string `json:"names,omitempty" jsonschema:"tests to run by name"`
	Tags    []string `json:"tags,omitempty" jsonschema:"run the tests carrying any of these tags"`
	Goal    string   `json:"goal,omitempty" jsonschema:"an ad-hoc test: what to do and check, in plain language (needs a model)"`
	URL     string   `json:"url,omitempty" jsonschema:"the ad-hoc test's start URL"`
	Steps   []string `json:"steps,omitempty" jsonschema:"the ad-hoc test's explicit steps (no model needed), e.g. expect text \"Welcome\""`
	NoWait  bool     `json:"no_wait,omitempty" jsonschema:"return as soon as the run started instead of waiting for its end"`
}

// SaveTestInput is a test file to save.
type SaveTestInput struct {
	Project string `json:"project,omitempty" jsonschema:"the project's id or name; may be left out when the key's tenant has one project (server only)"`
	Path    string `json:"path" jsonschema:"the file's path, e.g. tests/checkout.yaml (relative to the test directory for argus mcp)"`
	YAML    string `json:"yaml" jsonschema:"the file's content in Argus's test-file format (docs/test-files.md)"`
}

// Adhoc reports whether the input describes an ad-hoc test.
func (in *RunTestsInput) Adhoc() bool {
	return in.Goal != "" || in.URL != "" || len(in.Steps) > 0
}
