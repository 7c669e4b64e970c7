package gemini

import (
	"encoding/json"
	"strings"

	"google.golang.org/genai"

	"github.com/argusqa/argus/agent/llm"
)

// response maps a generateContent response onto an llm.Response.
func response(r *genai.GenerateContentResponse) *llm.Response {
	resp := &llm.Response{ModelVersion: r.ModelVersion}
	if u := r.UsageMetadata; u != nil {
		resp.Usage = llm.Usage{
			InputTokens:       int64(u.PromptTokenCount) + int64(u.ToolUsePromptTokenCount),
			OutputTokens:      int64(u.CandidatesTokenCount) + int64(u.ThoughtsTokenCount),
			CachedInputTokens: int64(u.CachedContentTokenCount),
			ReasoningTokens:   int64(u.ThoughtsTokenCount),
		}
	}
	if len(r.Candidates) == 0 || r.Candidates[0] == nil {
		// The prompt itself was blocked.
		resp.StopReason = llm.StopOther
		if pf := r.PromptFeedback; pf != nil && pf.BlockReason != "" {
			resp.StopReason = llm.StopRefused
			resp.ProviderStopReason = string(pf.BlockReason)
		}
		return resp
	}
	cand := r.Candidates[0]
	resp.ProviderStopReason = string(cand.FinishReason)
	var text strings.Builder
	if cand.Content != nil {
		for _, p := range cand.Content.Parts {
			switch {
			case p == nil || p.Thought:
				// Thought summaries are not part of the reply.
			case p.FunctionCall != nil:
				fc := p.FunctionCall
				args, err := json.Marshal(fc.Args)
				if err != nil || fc.Args == nil {
					args = []byte("{}")
				}
				id := fc.ID
				if id == "" {
					id = localID()
				}
				resp.ToolCalls = append(resp.ToolCalls, llm.ToolCall{ID: id, Name: fc.Name, Args: args, Signature: p.ThoughtSignature})
			case p.Text != "":
				text.WriteString(p.Text)
				if len(p.ThoughtSignature) > 0 && resp.TextSignature == nil {
					resp.TextSignature = p.ThoughtSignature
				}
			}
		}
	}
	resp.Text = text.String()
	switch cand.FinishReason {
	case genai.FinishReasonStop:
		resp.StopReason = llm.StopEnd
	case genai.FinishReasonMaxTokens:
		resp.StopReason = llm.StopMaxTokens
	case genai.FinishReasonSafety, genai.FinishReasonRecitation, genai.FinishReasonBlocklist,
		genai.FinishReasonProhibitedContent, genai.FinishReasonSPII, genai.FinishReasonImageSafety,
		genai.FinishReasonImageProhibitedContent:
		resp.StopReason = llm.StopRefused
	default:
		resp.StopReason = llm.StopOther
	}
	if len(resp.ToolCalls) > 0 {
		resp.StopReason = llm.StopToolUse
	}
	return resp
}
