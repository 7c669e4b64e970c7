package llmtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// NewGemini starts a fake Gemini generateContent server serving steps on both
// paths the genai SDK uses:
//
//   - Gemini API: POST /v1beta/models/{model}:generateContent with
//     x-goog-api-key [APIKey];
//   - Vertex AI: POST /v1beta1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent
//     with "Authorization: Bearer" [AccessToken].
//
// Its [Server.BaseURL] is the root, like https://generativelanguage.googleapis.com/.
// Like Gemini 3, it rejects a conversation in which a function call it
// issued with a thought signature comes back without it.
func NewGemini(t testing.TB, steps ...scripted.Step) *Server {
	t.Helper()
	return newTestServer(t, &geminiProto{issued: map[string][]byte{}}, steps)
}

// StartGemini is NewGemini for programs without a testing.TB; Close the server
// when done.
func StartGemini(steps ...scripted.Step) (*Server, error) {
	return start(&geminiProto{issued: map[string][]byte{}}, steps)
}

// GeminiRequest is a generateContent request body as the fake server reads it.
type GeminiRequest struct {
	Contents          []GeminiContent `json:"contents"`
	SystemInstruction *GeminiContent  `json:"systemInstruction,omitempty"`
	Tools             []GeminiTool    `json:"tools,omitempty"`
	ToolConfig        *struct {
		FunctionCallingConfig *struct {
			Mode                 string   `json:"mode,omitempty"`
			AllowedFunctionNames []string `json:"allowedFunctionNames,omitempty"`
		} `json:"functionCallingConfig,omitempty"`
	} `json:"toolConfig,omitempty"`
	GenerationConfig *struct {
		MaxOutputTokens int64    `json:"maxOutputTokens,omitempty"`
		Temperature     *float64 `json:"temperature,omitempty"`
	} `json:"generationConfig,omitempty"`
}

// GeminiContent is one turn.
type GeminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []GeminiPart `json:"parts"`
}

// GeminiPart is one part of a turn.
type GeminiPart struct {
	Text             string                  `json:"text,omitempty"`
	Thought          bool                    `json:"thought,omitempty"`
	ThoughtSignature []byte                  `json:"thoughtSignature,omitempty"`
	InlineData       *GeminiBlob             `json:"inlineData,omitempty"`
	FunctionCall     *GeminiFunctionCall     `json:"functionCall,omitempty"`
	FunctionResponse *GeminiFunctionResponse `json:"functionResponse,omitempty"`
}

// GeminiBlob is inline data, base64 in Data.
type GeminiBlob struct {
	MIMEType string `json:"mimeType"`
	Data     string `json:"data"`
}

// GeminiFunctionCall is a functionCall part.
type GeminiFunctionCall struct {
	ID   string         `json:"id,omitempty"`
	Name string         `json:"name"`
	Args map[string]any `json:"args,omitempty"`
}

// GeminiFunctionResponse is a functionResponse part.
type GeminiFunctionResponse struct {
	ID       string         `json:"id,omitempty"`
	Name     string         `json:"name"`
	Response map[string]any `json:"response"`
}

// GeminiTool holds function declarations.
type GeminiTool struct {
	FunctionDeclarations []GeminiFunctionDeclaration `json:"functionDeclarations,omitempty"`
}

// GeminiFunctionDeclaration declares one function.
type GeminiFunctionDeclaration struct {
	Name                 string          `json:"name"`
	Description          string          `json:"description,omitempty"`
	Parameters           json.RawMessage `json:"parameters,omitempty"`
	ParametersJSONSchema json.RawMessage `json:"parametersJsonSchema,omitempty"`
}

// DecodeGemini decodes a recorded generateContent body.
func DecodeGemini(body []byte) (*GeminiRequest, error) {
	var req GeminiRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("decode generateContent request: %w", err)
	}
	return &req, nil
}

var (
	geminiAPIPath = regexp.MustCompile(`^/v1(?:beta)?/models/([^/:]+):generateContent$`)
	vertexPath    = regexp.MustCompile(`^/v1(?:beta1)?/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+):generateContent$`)
)

type geminiProto struct {
	mu     sync.Mutex
	seq    int
	issued map[string][]byte // call key → thought signature it was issued with
}

func (*geminiProto) baseURL(root string) string { return root + "/" }

// modelOf returns the model named by a generateContent path.
func modelOf(path string) string {
	if m := geminiAPIPath.FindStringSubmatch(path); m != nil {
		return m[1]
	}
	if m := vertexPath.FindStringSubmatch(path); m != nil {
		return m[3]
	}
	return ""
}

func (*geminiProto) authorize(r *http.Request, cred credentials) (int, string) {
	if r.Method != http.MethodPost {
		return http.StatusNotFound, "method not found"
	}
	switch {
	case geminiAPIPath.MatchString(r.URL.Path):
		if cred.apiKey != "" && r.Header.Get("X-Goog-Api-Key") != cred.apiKey {
			return http.StatusBadRequest, "API key not valid. Please pass a valid API key."
		}
	case vertexPath.MatchString(r.URL.Path):
		if cred.accessToken != "" && bearer(r) != cred.accessToken {
			return http.StatusUnauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token."
		}
	default:
		return http.StatusNotFound, fmt.Sprintf("The requested URL %s was not found on this server.", r.URL.Path)
	}
	return 0, ""
}

// callKey identifies a function call across requests.
func callKey(fc *GeminiFunctionCall) string {
	args, _ := json.Marshal(fc.Args) // map keys marshal sorted
	return fc.ID + "\x00" + fc.Name + "\x00" + string(args)
}

func (p *geminiProto) check(_ *http.Request, body []byte) (any, error) {
	req, err := DecodeGemini(body)
	if err != nil {
		return nil, err
	}
	var errs []error
	if len(req.Contents) == 0 {
		errs = append(errs, errors.New("* GenerateContentRequest.contents: contents is not specified"))
	}
	if si := req.SystemInstruction; si != nil {
		for _, part := range si.Parts {
			if part.Text == "" {
				errs = append(errs, errors.New("systemInstruction: only text parts are supported"))
			}
		}
	}
	for i, tool := range req.Tools {
		for j, fd := range tool.FunctionDeclarations {
			where := fmt.Sprintf("tools[%d].function_declarations[%d]", i, j)
			if !toolNameRE.MatchString(fd.Name) {
				errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s.name: Invalid function name", where))
			}
			if len(fd.Parameters) > 0 && len(fd.ParametersJSONSchema) > 0 {
				errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s: parameters and parameters_json_schema are mutually exclusive", where))
			}
			for _, schema := range []json.RawMessage{fd.Parameters, fd.ParametersJSONSchema} {
				if len(schema) > 0 {
					if err := checkSchema(schema); err != nil {
						errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s: %w", where, err))
					}
				}
			}
		}
	}
	if tc := req.ToolConfig; tc != nil && tc.FunctionCallingConfig != nil {
		switch tc.FunctionCallingConfig.Mode {
		case "", "AUTO", "ANY", "NONE", "VALIDATED":
		default:
			errs = append(errs, fmt.Errorf("* GenerateContentRequest.tool_config.function_calling_config.mode: invalid value %q", tc.FunctionCallingConfig.Mode))
		}
	}

	p.mu.Lock()
	issued := p.issued
	defer p.mu.Unlock()
	var openCalls []*GeminiFunctionCall // calls of the previous model turn
	for i, c := range req.Contents {
		where := fmt.Sprintf("contents[%d]", i)
		if c.Role != "user" && c.Role != "model" {
			errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s.role: Please use a valid role: user, model", where))
		}
		if len(c.Parts) == 0 {
			errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s.parts: contents.parts must not be empty", where))
		}
		var calls []*GeminiFunctionCall
		var responses []*GeminiFunctionResponse
		for j, part := range c.Parts {
			pw := fmt.Sprintf("%s.parts[%d]", where, j)
			kinds := 0
			if part.Text != "" {
				kinds++
			}
			if part.InlineData != nil {
				kinds++
				if err := checkImage(part.InlineData.MIMEType, part.InlineData.Data); err != nil {
					errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s.inline_data: %w", pw, err))
				}
			}
			if part.FunctionCall != nil {
				kinds++
				if c.Role != "model" {
					errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s: function calls are only allowed in model turns", pw))
				}
				calls = append(calls, part.FunctionCall)
				if sig, ok := issued[callKey(part.FunctionCall)]; ok && !bytes.Equal(sig, part.ThoughtSignature) {
					if len(part.ThoughtSignature) == 0 {
						errs = append(errs, fmt.Errorf("function call `%s` in the `%d.` content block is missing a `thought_signature`", part.FunctionCall.Name, i))
					} else {
						errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s: Corrupted thought signature", pw))
					}
				}
			}
			if part.FunctionResponse != nil {
				kinds++
				if c.Role != "user" {
					errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s: function responses are only allowed in user turns", pw))
				}
				if part.FunctionResponse.Response == nil {
					errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s.function_response.response: must be an object", pw))
				}
				responses = append(responses, part.FunctionResponse)
			}
			if kinds != 1 {
				errs = append(errs, fmt.Errorf("* GenerateContentRequest.%s: a part must hold exactly one of text, inline_data, function_call, function_response", pw))
			}
		}
		if len(responses) > 0 || len(openCalls) > 0 {
			if err := matchResponses(openCalls, responses); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
			}
		}
		openCalls = calls
	}
	if len(openCalls) > 0 {
		errs = append(errs, errors.New("the last model turn's function calls have no function responses"))
	}
	return req, errors.Join(errs...)
}

// matchResponses checks a user turn's function responses against the
// previous model turn's calls, as Gemini does.
func matchResponses(calls []*GeminiFunctionCall, responses []*GeminiFunctionResponse) error {
	const rule = "Please ensure that function response turn comes immediately after a function call turn. And the number of function response parts should be equal to number of function call parts of the function call turn."
	if len(calls) != len(responses) {
		return fmt.Errorf("%s (%d calls, %d responses)", rule, len(calls), len(responses))
	}
	used := make([]bool, len(calls))
	for _, r := range responses {
		found := false
		for k, c := range calls {
			if !used[k] && c.Name == r.Name && c.ID == r.ID {
				used[k], found = true, true
				break
			}
		}
		if !found {
			return fmt.Errorf("%s (function response %q, id %q, answers no call)", rule, r.Name, r.ID)
		}
	}
	return nil
}

func (p *geminiProto) reply(w http.ResponseWriter, r *http.Request, _ any, step scripted.Step) {
	p.mu.Lock()
	p.seq++
	seq := p.seq
	var parts []map[string]any
	if step.Text != "" {
		part := map[string]any{"text": step.Text}
		if len(step.TextSignature) > 0 {
			part["thoughtSignature"] = step.TextSignature
		}
		parts = append(parts, part)
	}
	for _, tc := range step.ToolCalls {
		var args map[string]any
		_ = json.Unmarshal(argsOrEmpty(tc.Args), &args)
		fc := &GeminiFunctionCall{ID: tc.ID, Name: tc.Name, Args: args}
		part := map[string]any{"functionCall": fc}
		if len(tc.Signature) > 0 {
			part["thoughtSignature"] = tc.Signature
			p.issued[callKey(fc)] = tc.Signature
		}
		parts = append(parts, part)
	}
	p.mu.Unlock()

	finish := map[llm.StopReason]string{
		llm.StopEnd:       "STOP",
		llm.StopToolUse:   "STOP",
		llm.StopMaxTokens: "MAX_TOKENS",
		llm.StopRefused:   "SAFETY",
		llm.StopOther:     "MALFORMED_FUNCTION_CALL",
	}[step.StopReasonOrDefault()]
	candidate := map[string]any{"finishReason": finish, "index": 0}
	if len(parts) > 0 {
		candidate["content"] = map[string]any{"role": "model", "parts": parts}
	}
	u := step.Usage
	usage := map[string]any{
		"promptTokenCount":     u.InputTokens,
		"candidatesTokenCount": u.OutputTokens - u.ReasoningTokens,
		"totalTokenCount":      u.InputTokens + u.OutputTokens,
	}
	if u.CachedInputTokens > 0 {
		usage["cachedContentTokenCount"] = u.CachedInputTokens
	}
	if u.ReasoningTokens > 0 {
		usage["thoughtsTokenCount"] = u.ReasoningTokens
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"candidates":    []any{candidate},
		"usageMetadata": usage,
		"modelVersion":  modelOf(r.URL.Path),
		"responseId":    base64.RawURLEncoding.EncodeToString([]byte("llmtest-" + strconv.Itoa(seq))),
	})
}

func (*geminiProto) fail(w http.ResponseWriter, status int, msg, retryAfter string) {
	statusName := map[int]string{
		400: "INVALID_ARGUMENT",
		401: "UNAUTHENTICATED",
		403: "PERMISSION_DENIED",
		404: "NOT_FOUND",
		429: "RESOURCE_EXHAUSTED",
		500: "INTERNAL",
		503: "UNAVAILABLE",
		504: "DEADLINE_EXCEEDED",
	}[status]
	if statusName == "" {
		statusName = "UNKNOWN"
	}
	e := map[string]any{"code": status, "message": msg, "status": statusName}
	if retryAfter != "" {
		// Google APIs say "retry in N seconds" with a google.rpc.RetryInfo
		// detail; a date has no such form, so it goes in the header.
		if secs, err := strconv.ParseFloat(retryAfter, 64); err == nil {
			e["details"] = []any{map[string]any{
				"@type":      "type.googleapis.com/google.rpc.RetryInfo",
				"retryDelay": strconv.FormatFloat(secs, 'f', -1, 64) + "s",
			}}
		} else {
			w.Header().Set("Retry-After", retryAfter)
		}
	}
	writeJSON(w, status, map[string]any{"error": e})
}
