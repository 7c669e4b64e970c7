package scripted

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/argusqa/argus/agent/llm"
)

// Intent is one action of a [Plan]. Target, when set, is the accessible
// name of the element to act on: its index is looked up in the latest
// observation the model was sent, the way a language model reads it, so
// a plan survives pages whose indices change.
type Intent struct {
	Tool   string
	Target string
	Args   map[string]any
}

// Plan is a model that follows a list of intents, one per call: a
// stand-in for a good language model with zero latency (plus Latency,
// when set). Benchmarks use it to time the agent without a provider, and
// the calibration suite to record replays when no model is configured.
// Its token usage is estimated from what it is sent (4 characters per
// token), since no provider counts for it.
type Plan struct {
	Intents []Intent
	Latency time.Duration

	mu    sync.Mutex
	next  int
	calls int
}

// Name implements llm.Model.
func (p *Plan) Name() string { return "scripted:plan" }

// Calls is how many times Generate was called.
func (p *Plan) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// elementLine matches an element line of the observation: `[12] button "Save"`.
var elementLine = regexp.MustCompile(`(?m)^\[(\d+)\] \S+ "([^"]*)"`)

// Generate implements llm.Model.
func (p *Plan) Generate(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if p.Latency > 0 {
		t := time.NewTimer(p.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	raw, _ := json.Marshal(req)
	input := int64(len(raw) / 4)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.next >= len(p.Intents) {
		return nil, fmt.Errorf("plan exhausted after %d calls: %w", p.next, ErrExhausted)
	}
	step := p.Intents[p.next]
	p.next++
	args := map[string]any{}
	for k, v := range step.Args {
		args[k] = v
	}
	if step.Target != "" {
		idx, ok := findIndex(req, step.Target)
		if !ok {
			return nil, fmt.Errorf("plan: no element %q in the observation", step.Target)
		}
		args["index"] = idx
	}
	encoded, _ := json.Marshal(args)
	return &llm.Response{
		ToolCalls:  []llm.ToolCall{{ID: fmt.Sprintf("call_%d", p.next), Name: step.Tool, Args: encoded}},
		Usage:      llm.Usage{InputTokens: input, OutputTokens: int64(len(encoded)/4 + 10)},
		StopReason: llm.StopToolUse,
	}, nil
}

// findIndex finds the element named name in the latest observation sent.
func findIndex(req *llm.Request, name string) (int, bool) {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		var text strings.Builder
		for _, part := range req.Messages[i].Parts {
			text.WriteString(part.Text)
			if part.ToolResult != nil {
				text.WriteString(part.ToolResult.Content)
			}
		}
		matches := elementLine.FindAllStringSubmatch(text.String(), -1)
		if len(matches) == 0 {
			continue
		}
		for _, m := range matches {
			if strings.EqualFold(m[2], name) {
				var idx int
				fmt.Sscan(m[1], &idx)
				return idx, true
			}
		}
		return 0, false
	}
	return 0, false
}
