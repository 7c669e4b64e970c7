package scripted

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"

	"github.com/argusqa/argus/agent/llm"
)

// Script is the file format of a scripted model, read by [Load] for
// ARGUS_MODEL=scripted:path.json:
//
//	{
//	  "steps": [
//	    {"tool_calls": [{"name": "navigate", "args": {"url": "http://127.0.0.1:8080/"}}],
//	     "usage": {"input_tokens": 1200, "output_tokens": 40}},
//	    {"error": {"status": 429, "retry_after": "2"}},
//	    {"text": "The welcome banner is shown.",
//	     "tool_calls": [{"name": "finish", "args": {"verdict": "passed", "summary": "Signed in."}}],
//	     "usage": {"input_tokens": 1500, "output_tokens": 60}}
//	  ]
//	}
//
// Each step is one model reply, served in order. Unknown fields are errors,
// so a typo does not silently change a demo.
type Script struct {
	Steps []Step `json:"steps"`
}

// Step is one scripted model turn: a reply, a provider failure, or a stall.
// The same steps drive the scripted model and the fake provider servers of
// llmtest, so a run can be scripted once and served either way.
type Step struct {
	// Text is the reply's text.
	Text string `json:"text,omitempty"`
	// TextSignature is an opaque signature for the text (Gemini only).
	TextSignature []byte `json:"text_signature,omitempty"`
	// ToolCalls are the calls of the reply. An empty ID is filled in:
	// "call_1", "call_2", ... by the scripted model, in the provider's own
	// style by the fake servers (none at all for Gemini, which issues none).
	ToolCalls []llm.ToolCall `json:"tool_calls,omitempty"`
	// Usage is reported as the provider would report it.
	Usage llm.Usage `json:"usage,omitzero"`
	// StopReason defaults to tool_use when there are tool calls, else end.
	StopReason llm.StopReason `json:"stop_reason,omitempty"`
	// Error makes the step fail with an HTTP error instead of replying.
	Error *Failure `json:"error,omitempty"`
	// Stall makes the step never answer: the call ends only when the
	// caller's context does (the per-call timeout, a cancelled run).
	Stall bool `json:"stall,omitempty"`
}

// Failure is a provider error response.
type Failure struct {
	// Status is the HTTP status, 400–599.
	Status int `json:"status"`
	// Message is the provider's error message; a default is derived from
	// Status.
	Message string `json:"message,omitempty"`
	// RetryAfter is sent as the Retry-After hint: delay-seconds ("7") or an
	// HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT").
	RetryAfter string `json:"retry_after,omitempty"`
}

// ErrorMessage returns Message or a default for the status.
func (f *Failure) ErrorMessage() string {
	if f.Message != "" {
		return f.Message
	}
	return "scripted failure: " + http.StatusText(f.Status)
}

// StopReasonOrDefault returns the step's stop reason, defaulted.
func (s Step) StopReasonOrDefault() llm.StopReason {
	switch {
	case s.StopReason != "":
		return s.StopReason
	case len(s.ToolCalls) > 0:
		return llm.StopToolUse
	default:
		return llm.StopEnd
	}
}

var toolNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)

// Validate checks every step.
func (s Script) Validate() error {
	if len(s.Steps) == 0 {
		return errors.New("script has no steps")
	}
	var errs []error
	for i, st := range s.Steps {
		if err := st.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("steps[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// Validate checks one step.
func (s Step) Validate() error {
	reply := s.Text != "" || len(s.ToolCalls) > 0
	kinds := 0
	for _, b := range []bool{reply, s.Error != nil, s.Stall} {
		if b {
			kinds++
		}
	}
	if kinds != 1 {
		return errors.New(`a step is exactly one of: a reply ("text" and/or "tool_calls"), an "error", or "stall": true`)
	}
	if f := s.Error; f != nil {
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("error status %d is not an HTTP error status (400–599)", f.Status)
		}
		if f.RetryAfter != "" {
			h := http.Header{"Retry-After": {f.RetryAfter}}
			if _, ok := llm.ParseRetryAfter(h).Wait(llm.SystemClock{}.Now()); !ok {
				return fmt.Errorf("retry_after %q is neither delay-seconds nor an HTTP date", f.RetryAfter)
			}
		}
	}
	switch s.StopReason {
	case "", llm.StopEnd, llm.StopToolUse, llm.StopMaxTokens, llm.StopRefused, llm.StopOther:
	default:
		return fmt.Errorf("stop_reason %q is invalid: use end, tool_use, max_tokens, refused or other", s.StopReason)
	}
	if s.Usage.InputTokens < 0 || s.Usage.OutputTokens < 0 || s.Usage.CachedInputTokens < 0 || s.Usage.ReasoningTokens < 0 {
		return errors.New("usage token counts must not be negative")
	}
	if s.Usage.CachedInputTokens > s.Usage.InputTokens || s.Usage.ReasoningTokens > s.Usage.OutputTokens {
		return errors.New("usage: cached input tokens are part of input tokens and reasoning tokens part of output tokens, so neither can exceed its total")
	}
	ids := map[string]bool{}
	for j, tc := range s.ToolCalls {
		if !toolNameRE.MatchString(tc.Name) {
			return fmt.Errorf("tool_calls[%d]: name %q is not a valid tool name", j, tc.Name)
		}
		if len(tc.Args) > 0 {
			var obj map[string]any
			if err := json.Unmarshal(tc.Args, &obj); err != nil || obj == nil {
				return fmt.Errorf("tool_calls[%d]: args must be a JSON object", j)
			}
		}
		if tc.ID != "" {
			if ids[tc.ID] {
				return fmt.Errorf("tool_calls[%d]: id %q is used twice", j, tc.ID)
			}
			ids[tc.ID] = true
		}
	}
	return nil
}

// Parse decodes and validates a script.
func Parse(data []byte) (Script, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Script
	if err := dec.Decode(&s); err != nil {
		return Script{}, fmt.Errorf("parse model script: %w", err)
	}
	if dec.More() {
		return Script{}, errors.New("parse model script: trailing data after the JSON object")
	}
	if err := s.Validate(); err != nil {
		return Script{}, fmt.Errorf("invalid model script: %w", err)
	}
	return s, nil
}

// Load reads a script file.
func Load(path string) (Script, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Script{}, fmt.Errorf("read model script: %w", err)
	}
	s, err := Parse(data)
	if err != nil {
		return Script{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
