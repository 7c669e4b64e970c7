package llm

import "context"

// Model is a language model the agent can ask for its next step.
//
// Implementations must be safe for concurrent use; one model value serves
// many agents.
type Model interface {
	// Name is "provider:model", e.g. "gemini:gemini-2.5-flash", as recorded
	// on agent runs and analytics events.
	Name() string
	// Generate sends the conversation and returns the model's reply. It
	// makes exactly one provider call: retrying is [WithRetry]'s job.
	Generate(ctx context.Context, req *Request) (*Response, error)
}

// ImageAccepter is implemented by models that know whether they accept image
// input. The agent uses it (through [AcceptsImages]) to decide whether taking
// a screenshot for the model is worth its ≈60 ms.
type ImageAccepter interface {
	AcceptsImages() bool
}

// ImageOmitted replaces an image in a request to a model not configured to
// accept images, so the model knows something was there.
const ImageOmitted = "[image omitted: this model is configured without image input]"

// AcceptsImages reports whether m is configured to receive images. Models
// that do not say are assumed not to, so nothing is sent that a text-only
// endpoint would reject.
func AcceptsImages(m Model) bool {
	a, ok := m.(ImageAccepter)
	return ok && a.AcceptsImages()
}

// Request is one call to a model.
type Request struct {
	// System is the system prompt (the agent's instructions).
	System string `json:"system,omitempty"`
	// Messages is the conversation so far. It must end with a user message
	// or with the results of the last assistant message's tool calls.
	Messages []Message `json:"messages"`
	// Tools are the functions the model may call.
	Tools []Tool `json:"tools,omitempty"`
	// ToolChoice says whether the model may, must or must not call a tool.
	// Empty means [ToolChoiceAuto].
	ToolChoice ToolChoice `json:"tool_choice,omitempty"`
	// MaxOutputTokens caps the reply's length. 0 leaves it to the provider
	// configuration (Anthropic, which requires a cap, defaults to 4096).
	MaxOutputTokens int `json:"max_output_tokens,omitempty"`
	// Temperature, when set, must be within [0, 2]. Nil leaves the provider's
	// default.
	Temperature *float64 `json:"temperature,omitempty"`
}

// ToolChoice constrains tool use for one request.
type ToolChoice string

const (
	// ToolChoiceAuto lets the model decide (the default).
	ToolChoiceAuto ToolChoice = "auto"
	// ToolChoiceRequired makes the model call at least one tool.
	ToolChoiceRequired ToolChoice = "required"
	// ToolChoiceNone forbids tool calls.
	ToolChoiceNone ToolChoice = "none"
)

// Response is the model's reply.
type Response struct {
	// Text is the reply's text, concatenated; empty when the model only
	// called tools.
	Text string `json:"text,omitempty"`
	// TextSignature is the provider's opaque token for the text (Gemini's
	// thought signature), sent back with it by [Response.Message].
	TextSignature []byte `json:"text_signature,omitempty"`
	// ToolCalls are the tools the model wants run, in order.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// Usage is the token count as reported by the provider. The agent's
	// 2,000,000-token budget is charged with exactly these numbers.
	Usage Usage `json:"usage"`
	// StopReason says why the model stopped.
	StopReason StopReason `json:"stop_reason"`
	// ProviderStopReason is the provider's own word for it ("STOP",
	// "end_turn", "tool_calls", ...), kept for the step record.
	ProviderStopReason string `json:"provider_stop_reason,omitempty"`
	// ModelVersion is the exact model the provider says answered, when it
	// says.
	ModelVersion string `json:"model_version,omitempty"`
}

// Message returns the reply as an assistant message, ready to append to the
// conversation for the next request.
func (r *Response) Message() Message {
	m := Message{Role: RoleAssistant}
	if r.Text != "" {
		m.Parts = append(m.Parts, Part{Text: r.Text, Signature: r.TextSignature})
	}
	for i := range r.ToolCalls {
		tc := r.ToolCalls[i]
		m.Parts = append(m.Parts, Part{ToolCall: &tc})
	}
	return m
}

// Usage is the token count of one call, as the provider reported it.
type Usage struct {
	// InputTokens is every prompt token the provider counted, cached or not
	// (Anthropic's cache writes and reads included, Gemini's tool-use prompt
	// included).
	InputTokens int64 `json:"input_tokens"`
	// OutputTokens is every generated token, reasoning included.
	OutputTokens int64 `json:"output_tokens"`
	// CachedInputTokens is the part of InputTokens served from the
	// provider's prompt cache. Informational; already in InputTokens.
	CachedInputTokens int64 `json:"cached_input_tokens,omitempty"`
	// ReasoningTokens is the part of OutputTokens spent on thinking.
	// Informational; already in OutputTokens.
	ReasoningTokens int64 `json:"reasoning_tokens,omitempty"`
}

// Total is the number the agent's token budget is charged with.
func (u Usage) Total() int64 { return u.InputTokens + u.OutputTokens }

// Add returns the sum of two usages.
func (u Usage) Add(o Usage) Usage {
	return Usage{
		InputTokens:       u.InputTokens + o.InputTokens,
		OutputTokens:      u.OutputTokens + o.OutputTokens,
		CachedInputTokens: u.CachedInputTokens + o.CachedInputTokens,
		ReasoningTokens:   u.ReasoningTokens + o.ReasoningTokens,
	}
}

// StopReason is why the model stopped, in the same words for every provider.
type StopReason string

const (
	// StopEnd: the model finished its turn.
	StopEnd StopReason = "end"
	// StopToolUse: the model wants tools run. Set whenever the reply holds
	// tool calls, whatever the provider said (Gemini says "STOP").
	StopToolUse StopReason = "tool_use"
	// StopMaxTokens: the reply hit the output cap and is cut short.
	StopMaxTokens StopReason = "max_tokens"
	// StopRefused: the provider blocked or the model refused (safety filter,
	// content filter, refusal).
	StopRefused StopReason = "refused"
	// StopOther: anything else (malformed function call, context window
	// exceeded, ...); see ProviderStopReason.
	StopOther StopReason = "other"
)
