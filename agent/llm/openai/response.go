package openai

import (
	"errors"
	"fmt"

	oai "github.com/openai/openai-go/v3"

	"github.com/argusqa/argus/agent/llm"
)

// response maps a chat completion onto an llm.Response.
func (m *Model) response(c *oai.ChatCompletion) (*llm.Response, error) {
	if len(c.Choices) == 0 {
		return nil, fmt.Errorf("%s: %w", m.Name(), errors.New("response has no choices"))
	}
	choice := c.Choices[0]
	msg := choice.Message
	resp := &llm.Response{
		Text:               msg.Content,
		ProviderStopReason: choice.FinishReason,
		ModelVersion:       c.Model,
		Usage: llm.Usage{
			InputTokens:       c.Usage.PromptTokens,
			OutputTokens:      c.Usage.CompletionTokens,
			CachedInputTokens: c.Usage.PromptTokensDetails.CachedTokens,
			ReasoningTokens:   c.Usage.CompletionTokensDetails.ReasoningTokens,
		},
	}
	for i, tc := range msg.ToolCalls {
		if tc.Type != "" && tc.Type != "function" {
			continue // custom tools are never declared, so never called
		}
		id := tc.ID
		if id == "" {
			// Some compatible servers omit ids; the conversation needs one.
			id = fmt.Sprintf("call_%d", i+1)
		}
		args := tc.Function.Arguments
		if args == "" {
			args = "{}"
		}
		resp.ToolCalls = append(resp.ToolCalls, llm.ToolCall{ID: id, Name: tc.Function.Name, Args: []byte(args)})
	}
	switch choice.FinishReason {
	case "stop":
		resp.StopReason = llm.StopEnd
	case "tool_calls", "function_call":
		resp.StopReason = llm.StopToolUse
	case "length":
		resp.StopReason = llm.StopMaxTokens
	case "content_filter":
		resp.StopReason = llm.StopRefused
	default:
		resp.StopReason = llm.StopOther
	}
	if msg.Refusal != "" {
		resp.StopReason = llm.StopRefused
		if resp.Text == "" {
			resp.Text = msg.Refusal
		}
	}
	if len(resp.ToolCalls) > 0 {
		resp.StopReason = llm.StopToolUse
	}
	return resp, nil
}
