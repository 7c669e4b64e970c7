package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/argusqa/argus/agent/llm"
)

// Defaults from the trust-center spec.
const (
	// DefaultMaxIterations caps the iterations of one agent: model turns
	// and executed steps together.
	DefaultMaxIterations = 115
	// DefaultMaxTokens caps the tokens (input + output, as the provider
	// reports them) one agent may spend.
	DefaultMaxTokens = 2_000_000
	// DefaultLoopRepeats is how many times the same action on an unchanged
	// page counts as a loop: the model is told once, then the agent ends.
	DefaultLoopRepeats = 3
)

// Config configures an Agent. The zero value of each field means its
// default.
type Config struct {
	// Model decides the next action. Nil means no model: explicit steps
	// and replays still run; goal-only tests end with ErrNoModel.
	Model llm.Model

	// MaxIterations caps model turns plus executed steps. Default 115.
	MaxIterations int

	// MaxTokens caps input + output tokens as reported by the model
	// provider. Default 2,000,000.
	MaxTokens int64

	// LoopRepeats is the number of identical actions on an unchanged page
	// that count as a loop. Default 3.
	LoopRepeats int

	// Vision attaches a screenshot to each observation sent to models that
	// accept images. Default false: the compact observation is usually
	// enough and images cost many tokens.
	Vision bool

	// NoScreenshots turns off the screenshot recorded with every step
	// (each costs ≈60 ms). Default false: steps carry screenshots.
	NoScreenshots bool

	// ExpectTimeout is how long an expectation is retried before it fails,
	// so pages that update asynchronously pass without explicit waits.
	// Default 5 s.
	ExpectTimeout time.Duration

	// MaxOutputTokens caps each model reply. Default 2048.
	MaxOutputTokens int

	// Logger receives diagnostics; the agent wraps it so secret values
	// never reach it. Default: discard.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.MaxIterations == 0 {
		c.MaxIterations = DefaultMaxIterations
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.LoopRepeats == 0 {
		c.LoopRepeats = DefaultLoopRepeats
	}
	if c.ExpectTimeout == 0 {
		c.ExpectTimeout = 5 * time.Second
	}
	if c.MaxOutputTokens == 0 {
		c.MaxOutputTokens = 2048
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.MaxIterations < 1 {
		errs = append(errs, fmt.Errorf("MaxIterations %d must be at least 1", c.MaxIterations))
	}
	if c.MaxTokens < 1 {
		errs = append(errs, fmt.Errorf("MaxTokens %d must be at least 1", c.MaxTokens))
	}
	if c.LoopRepeats < 2 {
		errs = append(errs, fmt.Errorf("LoopRepeats %d must be at least 2", c.LoopRepeats))
	}
	if c.ExpectTimeout < 0 {
		errs = append(errs, errors.New("ExpectTimeout must not be negative"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("agent config: %w", errors.Join(errs...))
	}
	return nil
}
