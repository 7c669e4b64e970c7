package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/argusqa/argus/agent"
)

// Step is one recorded step as reports show it: an agent.Step without the
// screenshot's bytes, with the path of the file they were written to.
type Step struct {
	Index int
	// Thought is what the model said before acting (empty for explicit
	// steps).
	Thought string
	// Action is the tool or step verb: "click", "type", "expect text"…
	Action string
	// Args are the action's arguments (placeholders, never secret values).
	Args map[string]any
	// Outcome is the short, factual result of the action.
	Outcome string
	// Failed marks a step whose action or check did not succeed.
	Failed bool
	// URL is the page's address after the step.
	URL       string
	ObserveMS int
	ModelMS   int
	ActMS     int
	// InputTokens and OutputTokens are the model's usage for the turn that
	// chose this action.
	InputTokens  int64
	OutputTokens int64
	// Screenshot is the path of the step's screenshot relative to the
	// report directory, with forward slashes (screenshots/log-in/003.png);
	// "" when none was kept.
	Screenshot string
	Time       time.Time
}

// StepFrom converts a recorded agent step, whose screenshot (if any) was
// stored at screenshot, a path relative to the report directory.
func StepFrom(s agent.Step, screenshot string) Step {
	return Step{
		Index: s.Index, Thought: s.Thought, Action: s.Action, Args: maps.Clone(s.Args),
		Outcome: s.Outcome, Failed: s.Failed, URL: s.URL,
		ObserveMS: s.ObserveMS, ModelMS: s.ModelMS, ActMS: s.ActMS,
		InputTokens: s.InputTokens, OutputTokens: s.OutputTokens,
		Screenshot: screenshot, Time: s.Time,
	}
}

// TotalMS is the step's observe, model and act time together.
func (s Step) TotalMS() int { return s.ObserveMS + s.ModelMS + s.ActMS }

// Tokens is the model's input plus output tokens for the step.
func (s Step) Tokens() int64 { return s.InputTokens + s.OutputTokens }

// Description says what the step did, in the step language when it is an
// explicit or replayed step (`click role button "Sign in"`), else as the
// tool with its arguments (`click index=12`).
func (s Step) Description() string {
	if st, ok := s.Args["step"].(string); ok && st != "" {
		return st
	}
	if len(s.Args) == 0 {
		return s.Action
	}
	var b strings.Builder
	b.WriteString(s.Action)
	for _, k := range slices.Sorted(maps.Keys(s.Args)) {
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteByte('=')
		if v, ok := s.Args[k].(string); ok {
			fmt.Fprintf(&b, "%q", v)
		} else {
			fmt.Fprint(&b, s.Args[k])
		}
	}
	return b.String()
}
