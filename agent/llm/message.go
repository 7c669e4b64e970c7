package llm

import "encoding/json"

// Role says who speaks in a [Message].
type Role string

const (
	// RoleUser carries the agent's observations: text and, for models that
	// accept images, screenshots.
	RoleUser Role = "user"
	// RoleAssistant carries what the model said before: text and tool calls.
	// The agent appends [Response.Message] here to keep the conversation.
	RoleAssistant Role = "assistant"
	// RoleTool carries the results of the tool calls of the assistant message
	// just before it, keyed by call id.
	RoleTool Role = "tool"
)

// Message is one turn of the conversation.
//
// Which parts a role may hold is fixed, because every provider wire format
// can express exactly this and no more: user messages hold text and images,
// assistant messages hold text and tool calls, tool messages hold tool
// results. [Request.Validate] enforces it.
type Message struct {
	Role  Role   `json:"role"`
	Parts []Part `json:"parts"`
}

// Part is one piece of a message. Exactly one of Text, Image, ToolCall and
// ToolResult is set.
type Part struct {
	Text       string      `json:"text,omitempty"`
	Image      *Image      `json:"image,omitempty"`
	ToolCall   *ToolCall   `json:"tool_call,omitempty"`
	ToolResult *ToolResult `json:"tool_result,omitempty"`
	// Signature is an opaque token a provider attached to an assistant text
	// part (Gemini's thought signature). It is sent back unchanged with the
	// part; providers that do not use signatures ignore it.
	Signature []byte `json:"signature,omitempty"`
}

// Image is an image sent to the model, such as a page screenshot. It is only
// sent to models configured to accept images; for other models the provider
// replaces it with a short text note (see [AcceptsImages]).
type Image struct {
	// MIMEType is "image/png" or "image/jpeg".
	MIMEType string `json:"mime_type"`
	Data     []byte `json:"data"`
}

// ToolCall is the model's request to run one tool.
type ToolCall struct {
	// ID identifies the call; the matching [ToolResult] carries it back.
	// Providers that do not issue ids (some Gemini models) get a local one.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Args is the JSON object of arguments exactly as the provider returned
	// it. It is not validated against the tool's schema: the agent does that
	// and answers a bad call with an error result the model can learn from.
	Args json.RawMessage `json:"args"`
	// Signature is an opaque token the provider attached to the call
	// (Gemini's thought signature). Gemini 3 rejects a conversation whose
	// earlier calls lost their signatures, so it must travel with the call.
	Signature []byte `json:"signature,omitempty"`
}

// ToolResult answers one [ToolCall].
type ToolResult struct {
	CallID  string `json:"call_id"`
	Content string `json:"content"`
	// IsError marks a result that reports a failure (an element not found,
	// invalid arguments), so providers that distinguish errors can tell the
	// model.
	IsError bool `json:"is_error,omitempty"`
}

// Text returns a text part.
func Text(s string) Part { return Part{Text: s} }

// PNG returns an image part holding PNG bytes.
func PNG(data []byte) Part { return Part{Image: &Image{MIMEType: "image/png", Data: data}} }

// JPEG returns an image part holding JPEG bytes.
func JPEG(data []byte) Part { return Part{Image: &Image{MIMEType: "image/jpeg", Data: data}} }

// User returns a user message.
func User(parts ...Part) Message { return Message{Role: RoleUser, Parts: parts} }

// Assistant returns an assistant message.
func Assistant(parts ...Part) Message { return Message{Role: RoleAssistant, Parts: parts} }

// ToolResults returns a tool message answering one or more calls.
func ToolResults(results ...ToolResult) Message {
	parts := make([]Part, len(results))
	for i := range results {
		r := results[i]
		parts[i] = Part{ToolResult: &r}
	}
	return Message{Role: RoleTool, Parts: parts}
}

// Call returns a part holding a tool call, for building assistant messages by
// hand (tests, replayed runs).
func Call(id, name string, args json.RawMessage) Part {
	return Part{ToolCall: &ToolCall{ID: id, Name: name, Args: args}}
}
