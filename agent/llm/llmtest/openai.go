package llmtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// NewOpenAI starts a fake OpenAI-compatible chat completions server
// (POST /v1/chat/completions, "Authorization: Bearer" [APIKey]) serving
// steps. Its [Server.BaseURL] ends in /v1, like https://api.openai.com/v1.
func NewOpenAI(t testing.TB, steps ...scripted.Step) *Server {
	t.Helper()
	return newTestServer(t, &openaiProto{}, steps)
}

// StartOpenAI is NewOpenAI for programs without a testing.TB; Close the server
// when done.
func StartOpenAI(steps ...scripted.Step) (*Server, error) {
	return start(&openaiProto{}, steps)
}

// OpenAIRequest is a chat completions request body as the fake server reads
// it.
type OpenAIRequest struct {
	Model               string          `json:"model"`
	Messages            []OpenAIMessage `json:"messages"`
	Tools               []OpenAITool    `json:"tools,omitempty"`
	ToolChoice          json.RawMessage `json:"tool_choice,omitempty"`
	MaxTokens           *int64          `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int64          `json:"max_completion_tokens,omitempty"`
	Temperature         *float64        `json:"temperature,omitempty"`
	Stream              bool            `json:"stream,omitempty"`
}

// OpenAIMessage is one chat message.
type OpenAIMessage struct {
	Role       string           `json:"role"`
	Content    json.RawMessage  `json:"content,omitempty"`
	ToolCalls  []OpenAIToolCall `json:"tool_calls,omitempty"`
	ToolCallID string           `json:"tool_call_id,omitempty"`
}

// OpenAIContentPart is one element of an array content.
type OpenAIContentPart struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	ImageURL *struct {
		URL    string `json:"url"`
		Detail string `json:"detail,omitempty"`
	} `json:"image_url,omitempty"`
}

// OpenAIToolCall is a function call of an assistant message.
type OpenAIToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// OpenAITool is a declared function tool.
type OpenAITool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description,omitempty"`
		Parameters  json.RawMessage `json:"parameters,omitempty"`
	} `json:"function"`
}

// Parts returns the message content as parts: a string content is one text
// part, null or absent content none.
func (m OpenAIMessage) Parts() ([]OpenAIContentPart, error) {
	raw := strings.TrimSpace(string(m.Content))
	switch {
	case raw == "" || raw == "null":
		return nil, nil
	case strings.HasPrefix(raw, `"`):
		var s string
		if err := json.Unmarshal(m.Content, &s); err != nil {
			return nil, err
		}
		return []OpenAIContentPart{{Type: "text", Text: s}}, nil
	default:
		var parts []OpenAIContentPart
		if err := json.Unmarshal(m.Content, &parts); err != nil {
			return nil, fmt.Errorf("content must be a string or an array of content parts: %w", err)
		}
		return parts, nil
	}
}

// Text returns the message's text parts, concatenated.
func (m OpenAIMessage) Text() string {
	parts, _ := m.Parts()
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// DecodeOpenAI decodes a recorded chat completions body.
func DecodeOpenAI(body []byte) (*OpenAIRequest, error) {
	var req OpenAIRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("decode chat completions request: %w", err)
	}
	return &req, nil
}

type openaiProto struct {
	mu  sync.Mutex
	seq int
}

func (*openaiProto) baseURL(root string) string { return root + "/v1" }

func (*openaiProto) authorize(r *http.Request, cred credentials) (int, string) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		return http.StatusNotFound, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)
	}
	if cred.apiKey != "" && bearer(r) != cred.apiKey {
		return http.StatusUnauthorized, "Incorrect API key provided."
	}
	return 0, ""
}

func (*openaiProto) check(_ *http.Request, body []byte) (any, error) {
	req, err := DecodeOpenAI(body)
	if err != nil {
		return nil, err
	}
	var errs []error
	if req.Model == "" {
		errs = append(errs, errors.New("you must provide a model parameter"))
	}
	if len(req.Messages) == 0 {
		errs = append(errs, errors.New("'messages' must contain at least one message"))
	}
	if req.Stream {
		errs = append(errs, errors.New("llmtest: streaming is not served"))
	}
	for i, t := range req.Tools {
		if t.Type != "function" || !toolNameRE.MatchString(t.Function.Name) {
			errs = append(errs, fmt.Errorf("tools[%d]: expected a function tool with a valid name", i))
			continue
		}
		if len(t.Function.Parameters) > 0 {
			if err := checkSchema(t.Function.Parameters); err != nil {
				errs = append(errs, fmt.Errorf("tools[%d].function.parameters: %w", i, err))
			}
		}
	}
	if len(req.ToolChoice) > 0 {
		var choice string
		if json.Unmarshal(req.ToolChoice, &choice) == nil {
			switch choice {
			case "auto", "none":
			case "required":
				if len(req.Tools) == 0 {
					errs = append(errs, errors.New("tool_choice 'required' needs tools"))
				}
			default:
				errs = append(errs, fmt.Errorf("invalid tool_choice %q", choice))
			}
		}
	}
	var pending []string
	for i, m := range req.Messages {
		if m.Role != "tool" && len(pending) > 0 {
			errs = append(errs, fmt.Errorf("messages[%d]: an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'; missing: %s", i, strings.Join(pending, ", ")))
			pending = nil
		}
		parts, err := m.Parts()
		if err != nil {
			errs = append(errs, fmt.Errorf("messages[%d]: %w", i, err))
			continue
		}
		switch m.Role {
		case "system", "developer":
			for _, p := range parts {
				if p.Type != "text" {
					errs = append(errs, fmt.Errorf("messages[%d]: %s content must be text", i, m.Role))
				}
			}
		case "user":
			if len(parts) == 0 {
				errs = append(errs, fmt.Errorf("messages[%d]: user message has no content", i))
			}
			for j, p := range parts {
				switch p.Type {
				case "text":
				case "image_url":
					if p.ImageURL == nil {
						errs = append(errs, fmt.Errorf("messages[%d].content[%d]: image_url missing", i, j))
						continue
					}
					mediaType, b64, ok := parseDataURL(p.ImageURL.URL)
					if !ok {
						errs = append(errs, fmt.Errorf("messages[%d].content[%d]: image_url must be a base64 data URL", i, j))
						continue
					}
					if err := checkImage(mediaType, b64); err != nil {
						errs = append(errs, fmt.Errorf("messages[%d].content[%d]: %w", i, j, err))
					}
				default:
					errs = append(errs, fmt.Errorf("messages[%d].content[%d]: unsupported part type %q", i, j, p.Type))
				}
			}
		case "assistant":
			if len(parts) == 0 && len(m.ToolCalls) == 0 {
				errs = append(errs, fmt.Errorf("messages[%d]: assistant message needs content or tool_calls", i))
			}
			for j, tc := range m.ToolCalls {
				if tc.ID == "" || tc.Type != "function" || tc.Function.Name == "" {
					errs = append(errs, fmt.Errorf("messages[%d].tool_calls[%d]: needs id, type \"function\" and a function name", i, j))
					continue
				}
				pending = append(pending, tc.ID)
			}
		case "tool":
			k := -1
			for n, id := range pending {
				if id == m.ToolCallID {
					k = n
				}
			}
			if k < 0 {
				errs = append(errs, fmt.Errorf("messages[%d]: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (tool_call_id %q)", i, m.ToolCallID))
				continue
			}
			pending = append(pending[:k], pending[k+1:]...)
			for _, p := range parts {
				if p.Type != "text" {
					errs = append(errs, fmt.Errorf("messages[%d]: tool content must be text", i))
				}
			}
		default:
			errs = append(errs, fmt.Errorf("messages[%d]: invalid role %q", i, m.Role))
		}
	}
	if len(pending) > 0 {
		errs = append(errs, fmt.Errorf("tool_calls %s have no tool messages", strings.Join(pending, ", ")))
	}
	return req, errors.Join(errs...)
}

// parseDataURL splits data:<media type>;base64,<data>.
func parseDataURL(u string) (mediaType, b64 string, ok bool) {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return "", "", false
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok {
		return "", "", false
	}
	mediaType, ok = strings.CutSuffix(meta, ";base64")
	return mediaType, data, ok
}

func (p *openaiProto) reply(w http.ResponseWriter, _ *http.Request, decoded any, step scripted.Step) {
	req := decoded.(*OpenAIRequest)
	p.mu.Lock()
	p.seq++
	seq := p.seq
	var calls []map[string]any
	for _, tc := range step.ToolCalls {
		id := tc.ID
		if id == "" {
			id = fmt.Sprintf("call_llmtest_%d_%d", seq, len(calls)+1)
		}
		calls = append(calls, map[string]any{
			"id":   id,
			"type": "function",
			"function": map[string]any{
				"name":      tc.Name,
				"arguments": string(argsOrEmpty(tc.Args)),
			},
		})
	}
	p.mu.Unlock()

	message := map[string]any{"role": "assistant", "content": nil, "refusal": nil}
	if step.Text != "" {
		message["content"] = step.Text
	}
	if step.StopReasonOrDefault() == llm.StopRefused {
		message["content"], message["refusal"] = nil, step.Text
	}
	if len(calls) > 0 {
		message["tool_calls"] = calls
	}
	finish := map[llm.StopReason]string{
		llm.StopEnd:       "stop",
		llm.StopToolUse:   "tool_calls",
		llm.StopMaxTokens: "length",
		llm.StopRefused:   "content_filter",
		llm.StopOther:     "insufficient_system_resource", // DeepSeek's word for an aborted reply
	}[step.StopReasonOrDefault()]
	u := step.Usage
	writeJSON(w, http.StatusOK, map[string]any{
		"id":      fmt.Sprintf("chatcmpl-llmtest-%d", seq),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       message,
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": map[string]any{
			"prompt_tokens":             u.InputTokens,
			"completion_tokens":         u.OutputTokens,
			"total_tokens":              u.InputTokens + u.OutputTokens,
			"prompt_tokens_details":     map[string]any{"cached_tokens": u.CachedInputTokens},
			"completion_tokens_details": map[string]any{"reasoning_tokens": u.ReasoningTokens},
		},
		"system_fingerprint": "fp_llmtest",
	})
}

func (*openaiProto) fail(w http.ResponseWriter, status int, msg, retryAfter string) {
	typ := "invalid_request_error"
	var code any
	switch {
	case status == http.StatusUnauthorized:
		code = "invalid_api_key"
	case status == http.StatusTooManyRequests:
		typ, code = "requests", "rate_limit_exceeded"
	case status >= 500:
		typ = "server_error"
	}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg,
		"type":    typ,
		"param":   nil,
		"code":    code,
	}})
}
