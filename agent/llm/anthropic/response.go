package anthropic

import (
	"strings"

	sdk "github.com/anthropics/anthropic-sdk-go"

	"github.com/argusqa/argus/agent/llm"
)

// response maps a message onto an llm.Response.
func response(msg *sdk.Message) *llm.Response {
	u := msg.Usage
	resp := &llm.Response{
		ProviderStopReason: string(msg.StopReason),
		ModelVersion:       string(msg.Model),
		Usage: llm.Usage{
			// input_tokens excludes the prompt-cache reads and writes;
			// the budget counts every token the provider processed.
			InputTokens:       u.InputTokens + u.CacheCreationInputTokens + u.CacheReadInputTokens,
			OutputTokens:      u.OutputTokens,
			CachedInputTokens: u.CacheReadInputTokens,
			ReasoningTokens:   u.OutputTokensDetails.ThinkingTokens,
		},
	}
	var text strings.Builder
	for _, b := range msg.Content {
		switch b.Type {
		case "text":
			text.WriteString(b.Text)
		case "tool_use":
			args := b.Input
			if len(args) == 0 || string(args) == "null" {
				args = []byte("{}")
			}
			resp.ToolCalls = append(resp.ToolCalls, llm.ToolCall{ID: b.ID, Name: b.Name, Args: append([]byte(nil), args...)})
		}
	}
	resp.Text = text.String()
	switch msg.StopReason {
	case sdk.StopReasonEndTurn, sdk.StopReasonStopSequence:
		resp.StopReason = llm.StopEnd
	case sdk.StopReasonToolUse:
		resp.StopReason = llm.StopToolUse
	case sdk.StopReasonMaxTokens:
		resp.StopReason = llm.StopMaxTokens
	case sdk.StopReasonRefusal:
		resp.StopReason = llm.StopRefused
	default:
		resp.StopReason = llm.StopOther
	}
	if len(resp.ToolCalls) > 0 {
		resp.StopReason = llm.StopToolUse
	}
	return resp
}
