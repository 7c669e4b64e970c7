package llm_test

import (
	"encoding/json"
	"testing"

	"github.com/argusqa/argus/agent/llm"
)

func TestResponseMessage(t *testing.T) {
	resp := &llm.Response{
		Text:          "Clicking.",
		TextSignature: []byte("sig"),
		ToolCalls:     []llm.ToolCall{{ID: "c1", Name: "click", Args: json.RawMessage(`{}`), Signature: []byte("s1")}},
	}
	m := resp.Message()
	if m.Role != llm.RoleAssistant || len(m.Parts) != 2 {
		t.Fatalf("message = %+v", m)
	}
	if m.Parts[0].Text != "Clicking." || string(m.Parts[0].Signature) != "sig" {
		t.Errorf("text part = %+v", m.Parts[0])
	}
	if tc := m.Parts[1].ToolCall; tc == nil || tc.ID != "c1" || string(tc.Signature) != "s1" {
		t.Errorf("call part = %+v", m.Parts[1])
	}
	resp.ToolCalls[0].ID = "changed"
	if m.Parts[1].ToolCall.ID != "c1" {
		t.Error("the message must not alias the response's calls")
	}
	if got := (&llm.Response{}).Message(); len(got.Parts) != 0 {
		t.Errorf("empty response gives parts %+v", got.Parts)
	}
}

func TestUsage(t *testing.T) {
	a := llm.Usage{InputTokens: 100, OutputTokens: 20, CachedInputTokens: 50, ReasoningTokens: 5}
	b := llm.Usage{InputTokens: 1, OutputTokens: 2, CachedInputTokens: 0, ReasoningTokens: 1}
	if got := a.Add(b); got != (llm.Usage{InputTokens: 101, OutputTokens: 22, CachedInputTokens: 50, ReasoningTokens: 6}) {
		t.Errorf("Add = %+v", got)
	}
	if a.Total() != 120 {
		t.Errorf("Total = %d, want 120 (cached and reasoning tokens are already inside)", a.Total())
	}
}
