package agent

import (
	"time"

	"github.com/argusqa/argus/agent/llm"
)

// Verdict is how an agent ended.
type Verdict string

// Verdicts. Failed and error are different things, everywhere: failed means
// the application did not do what the test says; error means Argus could not
// find out.
const (
	VerdictPassed    Verdict = "passed"
	VerdictFailed    Verdict = "failed"
	VerdictError     Verdict = "error"
	VerdictCancelled Verdict = "cancelled"
)

// Result is the outcome of one agent run. Every text in it is redacted.
type Result struct {
	Verdict Verdict
	// Summary says what happened, in a sentence or a few: for a failure,
	// what the application did wrong; for an error, what stopped Argus.
	Summary string
	// Reason is a short machine-readable cause for errors and failures:
	// "iteration_limit", "token_limit", "loop", "deadline", "browser",
	// "model", "expectation", "step", "model_verdict", "unverified",
	// "server_error", "cancelled".
	Reason string
	// FailedStep is the index of the recorded step that failed, -1 if none.
	FailedStep int
	// Iterations counts model turns plus executed steps.
	Iterations int
	// Usage is the model's token use as reported by the provider.
	Usage llm.Usage
	// ModelCalls counts requests to the model (0 for a pure replay).
	ModelCalls int
	// Steps is the number of recorded steps.
	Steps    int
	Duration time.Duration
	// Checkpoints says which checkpoints were verified, and by which step.
	Checkpoints []CheckpointResult
	// Mode is how the run went: "steps", "replay", "model", or
	// "replay+model" / "steps+model" when the model took over.
	Mode string
	// Vars are the values the run remembered (remember steps and the
	// model's remember tool), by name, for the later tests of a plan. They
	// are page text, redacted like every other text of the result.
	Vars map[string]string
	// Replay, on a pass, holds the run's actions for replaying next time.
	// Nil when nothing new is worth saving (a replay that ran unchanged).
	Replay *Replay
}

// CheckpointResult is one checkpoint and its evidence.
type CheckpointResult struct {
	Checkpoint string
	Verified   bool
	// Step is the index of the recorded step that verified it, -1 if none.
	Step int
	// Evidence is what was checked on the page, e.g. `text "Welcome, Ada"`.
	Evidence string
}
