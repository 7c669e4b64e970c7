package agent

import (
	"context"
	"time"
)

// Step is the record of one iteration: what the agent thought, did and
// saw. All text is redacted before a Recorder sees it.
type Step struct {
	Index   int
	Thought string
	// Action is the tool or step verb ("click", "type", "expect text"…).
	Action string
	// Args are the action's arguments as given (placeholders, never secret
	// values).
	Args map[string]any
	// Outcome is the short, factual result ("clicked [12] button "Sign
	// in"; URL is now /dashboard").
	Outcome string
	// Failed marks a step whose action or check did not succeed.
	Failed    bool
	URL       string
	ObserveMS int
	ModelMS   int
	ActMS     int
	// InputTokens and OutputTokens are the model's usage for the turn that
	// chose this action (on the turn's first step only).
	InputTokens  int64
	OutputTokens int64
	// Screenshot is a PNG of the viewport after the action; nil when
	// screenshots are off or could not be taken.
	Screenshot []byte
	Time       time.Time
}

// Recorder receives steps as they happen. The CLI writes them to files, the
// server to the database and blob storage. An error from the recorder ends
// the agent with verdict error: a run that cannot be audited is not a
// result.
type Recorder interface {
	RecordStep(ctx context.Context, step Step) error
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(ctx context.Context, step Step) error

// RecordStep implements Recorder.
func (f RecorderFunc) RecordStep(ctx context.Context, step Step) error { return f(ctx, step) }

// Discard is a Recorder that keeps nothing.
var Discard Recorder = RecorderFunc(func(context.Context, Step) error { return nil })
