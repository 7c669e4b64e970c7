// Package scripted is a model that replies from a script instead of a
// language model: canned tool calls, text, token usage and provider failures,
// served in order. Agent tests use it to drive runs deterministically and to
// assert what the model was sent (that no secret value reached it, or that a
// replayed run made no call at all); `argus run --model scripted:demo.json`
// uses it for demos without a provider key.
//
// The same [Step]s drive the fake provider servers in llmtest, so a run can
// also be scripted through a real provider SDK and wire format.
package scripted

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/argusqa/argus/agent/llm"
)

// ErrExhausted is returned (wrapped) when a call finds no step left.
var ErrExhausted = errors.New("model script exhausted")

// Config configures a scripted [Model].
type Config struct {
	// Label names the script in Name(): "scripted:<Label>". Default
	// "script".
	Label string
	// Steps are the replies, in order. Required.
	Steps []Step
	// AcceptImages makes the model report that it accepts images, so the
	// agent attaches screenshots (which are then recorded, not sent
	// anywhere). Default false.
	AcceptImages bool
}

// WithDefaults fills in defaults.
func (c Config) WithDefaults() Config {
	if c.Label == "" {
		c.Label = "script"
	}
	return c
}

func (c Config) validate() error {
	return Script{Steps: c.Steps}.Validate()
}

// Model replies from a script. It is safe for concurrent use; concurrent
// callers take steps in arrival order.
type Model struct {
	cfg Config

	mu       sync.Mutex
	next     int
	callSeq  int
	requests []*llm.Request
}

// New returns a scripted model.
func New(cfg Config) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("scripted model: %w", err)
	}
	return &Model{cfg: cfg}, nil
}

// FromFile returns a model serving the script at path.
func FromFile(path string, acceptImages bool) (*Model, error) {
	s, err := Load(path)
	if err != nil {
		return nil, err
	}
	return New(Config{Label: path, Steps: s.Steps, AcceptImages: acceptImages})
}

func (m *Model) Name() string        { return "scripted:" + m.cfg.Label }
func (m *Model) AcceptsImages() bool { return m.cfg.AcceptImages }

// Generate validates and records the request, then serves the next step:
// the reply, an *llm.APIError for an error step, or, for a stall, nothing
// until ctx ends.
func (m *Model) Generate(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid request: %w", m.Name(), err)
	}
	m.mu.Lock()
	m.requests = append(m.requests, snapshot(req))
	if m.next >= len(m.cfg.Steps) {
		n := len(m.requests)
		m.mu.Unlock()
		return nil, fmt.Errorf("%s: call %d: %w (it has %d steps)", m.Name(), n, ErrExhausted, len(m.cfg.Steps))
	}
	step := m.cfg.Steps[m.next]
	m.next++
	resp := m.reply(step)
	m.mu.Unlock()

	switch {
	case step.Stall:
		<-ctx.Done()
		return nil, fmt.Errorf("%s: stalled step: %w", m.Name(), context.Cause(ctx))
	case step.Error != nil:
		return nil, &llm.APIError{
			Provider:   "scripted",
			StatusCode: step.Error.Status,
			Message:    step.Error.ErrorMessage(),
			RetryAfter: llm.ParseRetryAfter(http.Header{"Retry-After": {step.Error.RetryAfter}}),
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return resp, nil
}

// reply builds the response of a reply step; m.mu is held.
func (m *Model) reply(step Step) *llm.Response {
	resp := &llm.Response{
		Text:               step.Text,
		TextSignature:      step.TextSignature,
		Usage:              step.Usage,
		StopReason:         step.StopReasonOrDefault(),
		ProviderStopReason: string(step.StopReasonOrDefault()),
		ModelVersion:       m.Name(),
	}
	for _, tc := range step.ToolCalls {
		m.callSeq++
		if tc.ID == "" {
			tc.ID = fmt.Sprintf("call_%d", m.callSeq)
		}
		if len(tc.Args) == 0 {
			tc.Args = []byte("{}")
		}
		resp.ToolCalls = append(resp.ToolCalls, tc)
	}
	return resp
}

// Requests returns the requests received so far, in order, including ones
// that found the script exhausted.
func (m *Model) Requests() []*llm.Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*llm.Request(nil), m.requests...)
}

// Calls returns how many requests were received.
func (m *Model) Calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.requests)
}

// Remaining returns how many steps are left.
func (m *Model) Remaining() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cfg.Steps) - m.next
}

// snapshot copies the request's structure so that a caller reusing or
// editing its conversation (dropping old screenshots, say) does not rewrite
// what was recorded. Image bytes and raw JSON are shared: nobody edits those
// in place.
func snapshot(req *llm.Request) *llm.Request {
	cp := *req
	cp.Tools = append([]llm.Tool(nil), req.Tools...)
	if req.Temperature != nil {
		t := *req.Temperature
		cp.Temperature = &t
	}
	cp.Messages = make([]llm.Message, len(req.Messages))
	for i, msg := range req.Messages {
		parts := make([]llm.Part, len(msg.Parts))
		for j, p := range msg.Parts {
			if p.Image != nil {
				img := *p.Image
				p.Image = &img
			}
			if p.ToolCall != nil {
				tc := *p.ToolCall
				p.ToolCall = &tc
			}
			if p.ToolResult != nil {
				tr := *p.ToolResult
				p.ToolResult = &tr
			}
			parts[j] = p
		}
		cp.Messages[i] = llm.Message{Role: msg.Role, Parts: parts}
	}
	return &cp
}
