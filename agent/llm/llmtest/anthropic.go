package llmtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// NewAnthropic starts a fake Anthropic messages server (POST /v1/messages,
// x-api-key [APIKey], anthropic-version required) serving steps. Its
// [Server.BaseURL] is the root, like https://api.anthropic.com.
func NewAnthropic(t testing.TB, steps ...scripted.Step) *Server {
	t.Helper()
	return newTestServer(t, &anthropicProto{}, steps)
}

// StartAnthropic is NewAnthropic for programs without a testing.TB; Close the server
// when done.
func StartAnthropic(steps ...scripted.Step) (*Server, error) {
	return start(&anthropicProto{}, steps)
}

// AnthropicRequest is a messages request body as the fake server reads it.
type AnthropicRequest struct {
	Model       string             `json:"model"`
	MaxTokens   int64              `json:"max_tokens"`
	System      json.RawMessage    `json:"system,omitempty"`
	Messages    []AnthropicMessage `json:"messages"`
	Tools       []AnthropicTool    `json:"tools,omitempty"`
	ToolChoice  *AnthropicChoice   `json:"tool_choice,omitempty"`
	Temperature *float64           `json:"temperature,omitempty"`
	Stream      bool               `json:"stream,omitempty"`
}

// AnthropicChoice is the tool_choice object.
type AnthropicChoice struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// AnthropicMessage is one message; Content is a string or an array of blocks.
type AnthropicMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// AnthropicBlock is one content block.
type AnthropicBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"`
	IsError   bool            `json:"is_error,omitempty"`
	Source    *struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
	} `json:"source,omitempty"`
}

// AnthropicTool is a declared client tool.
type AnthropicTool struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema"`
}

// Blocks returns the content as blocks: a string content is one text block.
func (m AnthropicMessage) Blocks() ([]AnthropicBlock, error) {
	return decodeBlocks(m.Content)
}

func decodeBlocks(raw json.RawMessage) ([]AnthropicBlock, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	if strings.HasPrefix(s, `"`) {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
		return []AnthropicBlock{{Type: "text", Text: text}}, nil
	}
	var blocks []AnthropicBlock
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, fmt.Errorf("content must be a string or an array of content blocks: %w", err)
	}
	return blocks, nil
}

// ResultText returns a tool_result block's text content.
func (b AnthropicBlock) ResultText() string {
	blocks, _ := decodeBlocks(b.Content)
	var sb strings.Builder
	for _, c := range blocks {
		if c.Type == "text" {
			sb.WriteString(c.Text)
		}
	}
	return sb.String()
}

// SystemText returns the system prompt, whether sent as a string or blocks.
func (r AnthropicRequest) SystemText() string {
	blocks, _ := decodeBlocks(r.System)
	var sb strings.Builder
	for _, b := range blocks {
		sb.WriteString(b.Text)
	}
	return sb.String()
}

// DecodeAnthropic decodes a recorded messages body.
func DecodeAnthropic(body []byte) (*AnthropicRequest, error) {
	var req AnthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("decode messages request: %w", err)
	}
	return &req, nil
}

type anthropicProto struct {
	mu  sync.Mutex
	seq int
}

func (*anthropicProto) baseURL(root string) string { return root }

func (*anthropicProto) authorize(r *http.Request, cred credentials) (int, string) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
		return http.StatusNotFound, fmt.Sprintf("Not found: %s %s", r.Method, r.URL.Path)
	}
	if cred.apiKey != "" && r.Header.Get("X-Api-Key") != cred.apiKey {
		return http.StatusUnauthorized, "invalid x-api-key"
	}
	if r.Header.Get("Anthropic-Version") == "" {
		return http.StatusBadRequest, "anthropic-version: header is required"
	}
	return 0, ""
}

func (*anthropicProto) check(_ *http.Request, body []byte) (any, error) {
	req, err := DecodeAnthropic(body)
	if err != nil {
		return nil, err
	}
	var errs []error
	if req.Model == "" {
		errs = append(errs, errors.New("model: Field required"))
	}
	if req.MaxTokens < 1 {
		errs = append(errs, errors.New("max_tokens: Field required (≥ 1)"))
	}
	if req.Stream {
		errs = append(errs, errors.New("llmtest: streaming is not served"))
	}
	if len(req.System) > 0 {
		blocks, err := decodeBlocks(req.System)
		if err != nil {
			errs = append(errs, fmt.Errorf("system: %w", err))
		}
		for _, b := range blocks {
			if b.Type != "text" {
				errs = append(errs, errors.New("system: only text blocks are allowed"))
			}
		}
	}
	names := map[string]bool{}
	for i, t := range req.Tools {
		if !toolNameRE.MatchString(t.Name) {
			errs = append(errs, fmt.Errorf("tools.%d.name: String should match pattern", i))
		}
		if err := checkSchema(t.InputSchema); err != nil {
			errs = append(errs, fmt.Errorf("tools.%d.input_schema: %w", i, err))
		}
		if names[t.Name] {
			errs = append(errs, fmt.Errorf("tools: Tool names must be unique (%s)", t.Name))
		}
		names[t.Name] = true
	}
	if c := req.ToolChoice; c != nil {
		switch c.Type {
		case "auto", "any", "none":
		case "tool":
			if !names[c.Name] {
				errs = append(errs, fmt.Errorf("tool_choice: tool %q is not declared", c.Name))
			}
		default:
			errs = append(errs, fmt.Errorf("tool_choice.type: invalid %q", c.Type))
		}
	}
	if len(req.Messages) == 0 {
		errs = append(errs, errors.New("messages: at least one message is required"))
	} else if req.Messages[0].Role != "user" {
		errs = append(errs, errors.New("messages: first message must use the \"user\" role"))
	}
	var pending []string
	for i, m := range req.Messages {
		if i > 0 && m.Role == req.Messages[i-1].Role {
			errs = append(errs, fmt.Errorf("messages.%d: roles must alternate between \"user\" and \"assistant\"", i))
		}
		blocks, err := m.Blocks()
		if err != nil {
			errs = append(errs, fmt.Errorf("messages.%d.content: %w", i, err))
			continue
		}
		if len(blocks) == 0 {
			errs = append(errs, fmt.Errorf("messages.%d: all messages must have non-empty content", i))
		}
		switch m.Role {
		case "assistant":
			for j, b := range blocks {
				switch b.Type {
				case "text":
				case "tool_use":
					if b.ID == "" || b.Name == "" || !jsonObject(b.Input) {
						errs = append(errs, fmt.Errorf("messages.%d.content.%d: tool_use needs id, name and an object input", i, j))
						continue
					}
					pending = append(pending, b.ID)
				default:
					errs = append(errs, fmt.Errorf("messages.%d.content.%d: unexpected block type %q in assistant message", i, j, b.Type))
				}
			}
		case "user":
			answered := 0
			for j, b := range blocks {
				switch b.Type {
				case "tool_result":
					if j != answered {
						errs = append(errs, fmt.Errorf("messages.%d.content.%d: tool_result blocks must come first in the user message", i, j))
					}
					answered++
					k := slices.Index(pending, b.ToolUseID)
					if k < 0 {
						errs = append(errs, fmt.Errorf("messages.%d.content.%d: unexpected `tool_use_id` found in `tool_result` blocks: %s. Each `tool_result` block must have a corresponding `tool_use` block in the previous message", i, j, b.ToolUseID))
						continue
					}
					pending = slices.Delete(pending, k, k+1)
					inner, err := decodeBlocks(b.Content)
					if err != nil {
						errs = append(errs, fmt.Errorf("messages.%d.content.%d.content: %w", i, j, err))
					}
					for _, c := range inner {
						if c.Type != "text" && c.Type != "image" {
							errs = append(errs, fmt.Errorf("messages.%d.content.%d: tool_result content must be text or image blocks", i, j))
						}
					}
				case "text":
				case "image":
					if b.Source == nil || b.Source.Type != "base64" {
						errs = append(errs, fmt.Errorf("messages.%d.content.%d: image source must be base64", i, j))
						continue
					}
					if err := checkImage(b.Source.MediaType, b.Source.Data); err != nil {
						errs = append(errs, fmt.Errorf("messages.%d.content.%d: %w", i, j, err))
					}
				default:
					errs = append(errs, fmt.Errorf("messages.%d.content.%d: unexpected block type %q in user message", i, j, b.Type))
				}
			}
			if len(pending) > 0 {
				errs = append(errs, fmt.Errorf("messages.%d: `tool_use` ids were found without `tool_result` blocks immediately after: %s. Each `tool_use` block must have a corresponding `tool_result` block in the next message", i, strings.Join(pending, ", ")))
				pending = nil
			}
		default:
			errs = append(errs, fmt.Errorf("messages.%d.role: Input should be 'user' or 'assistant'", i))
		}
	}
	if len(pending) > 0 {
		errs = append(errs, fmt.Errorf("`tool_use` ids were found without `tool_result` blocks immediately after: %s", strings.Join(pending, ", ")))
	}
	return req, errors.Join(errs...)
}

func (p *anthropicProto) reply(w http.ResponseWriter, _ *http.Request, decoded any, step scripted.Step) {
	req := decoded.(*AnthropicRequest)
	p.mu.Lock()
	p.seq++
	seq := p.seq
	p.mu.Unlock()

	content := []any{}
	if step.Text != "" {
		content = append(content, map[string]any{"type": "text", "text": step.Text})
	}
	for i, tc := range step.ToolCalls {
		id := tc.ID
		if id == "" {
			id = fmt.Sprintf("toolu_llmtest_%d_%d", seq, i+1)
		}
		content = append(content, map[string]any{
			"type":  "tool_use",
			"id":    id,
			"name":  tc.Name,
			"input": argsOrEmpty(tc.Args),
		})
	}
	stop := map[llm.StopReason]string{
		llm.StopEnd:       "end_turn",
		llm.StopToolUse:   "tool_use",
		llm.StopMaxTokens: "max_tokens",
		llm.StopRefused:   "refusal",
		llm.StopOther:     "model_context_window_exceeded",
	}[step.StopReasonOrDefault()]
	u := step.Usage
	w.Header().Set("Request-Id", fmt.Sprintf("req_llmtest_%d", seq))
	writeJSON(w, http.StatusOK, map[string]any{
		"id":            fmt.Sprintf("msg_llmtest_%d", seq),
		"type":          "message",
		"role":          "assistant",
		"model":         req.Model,
		"content":       content,
		"stop_reason":   stop,
		"stop_sequence": nil,
		"usage": map[string]any{
			// Anthropic counts cache reads apart from input_tokens.
			"input_tokens":                u.InputTokens - u.CachedInputTokens,
			"cache_read_input_tokens":     u.CachedInputTokens,
			"cache_creation_input_tokens": 0,
			"output_tokens":               u.OutputTokens,
			"output_tokens_details":       map[string]any{"thinking_tokens": u.ReasoningTokens},
		},
	})
}

func (*anthropicProto) fail(w http.ResponseWriter, status int, msg, retryAfter string) {
	typ := map[int]string{
		400: "invalid_request_error",
		401: "authentication_error",
		403: "permission_error",
		404: "not_found_error",
		413: "request_too_large",
		429: "rate_limit_error",
		529: "overloaded_error",
	}[status]
	if typ == "" {
		typ = "api_error"
		if status < 500 {
			typ = "invalid_request_error"
		}
	}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Request-Id", "req_llmtest_error")
	writeJSON(w, status, map[string]any{
		"type":       "error",
		"error":      map[string]any{"type": typ, "message": msg},
		"request_id": "req_llmtest_error",
	})
}
