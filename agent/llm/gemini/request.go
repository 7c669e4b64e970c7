package gemini

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"

	"google.golang.org/genai"

	"github.com/argusqa/argus/agent/llm"
)

// localIDPrefix marks call ids made up here for calls Gemini issued without
// one. They keep the conversation keyed by id but are never sent back, since
// Gemini did not issue them.
const localIDPrefix = "argus-local-"

func localID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return localIDPrefix + hex.EncodeToString(b)
}

func wireID(id string) string {
	if strings.HasPrefix(id, localIDPrefix) {
		return ""
	}
	return id
}

// request maps a validated request onto generateContent contents and config.
func (m *Model) request(req *llm.Request) ([]*genai.Content, *genai.GenerateContentConfig, error) {
	noContinuation := false
	cfg := &genai.GenerateContentConfig{AutomaticContinuation: &noContinuation}
	if req.System != "" {
		cfg.SystemInstruction = &genai.Content{Parts: []*genai.Part{{Text: req.System}}}
	}
	if req.MaxOutputTokens > 0 {
		cfg.MaxOutputTokens = int32(min(req.MaxOutputTokens, 1<<31-1))
	}
	if req.Temperature != nil {
		t := float32(*req.Temperature)
		cfg.Temperature = &t
	}
	if len(req.Tools) > 0 {
		decls := make([]*genai.FunctionDeclaration, 0, len(req.Tools))
		for _, t := range req.Tools {
			schema, err := t.Schema()
			if err != nil {
				return nil, nil, err
			}
			decls = append(decls, &genai.FunctionDeclaration{
				Name:                 t.Name,
				Description:          t.Description,
				ParametersJsonSchema: schema,
			})
		}
		cfg.Tools = []*genai.Tool{{FunctionDeclarations: decls}}
		mode := map[llm.ToolChoice]genai.FunctionCallingConfigMode{
			llm.ToolChoiceAuto:     genai.FunctionCallingConfigModeAuto,
			llm.ToolChoiceRequired: genai.FunctionCallingConfigModeAny,
			llm.ToolChoiceNone:     genai.FunctionCallingConfigModeNone,
		}[req.ToolChoice]
		if mode != "" {
			cfg.ToolConfig = &genai.ToolConfig{FunctionCallingConfig: &genai.FunctionCallingConfig{Mode: mode}}
		}
	}

	callNames := map[string]string{} // call id → function name, for responses
	var contents []*genai.Content
	for _, msg := range req.Messages {
		role := genai.RoleUser
		if msg.Role == llm.RoleAssistant {
			role = genai.RoleModel
		}
		var parts []*genai.Part
		for _, p := range msg.Parts {
			switch {
			case p.ToolCall != nil:
				tc := p.ToolCall
				callNames[tc.ID] = tc.Name
				parts = append(parts, &genai.Part{
					FunctionCall:     &genai.FunctionCall{ID: wireID(tc.ID), Name: tc.Name, Args: argsMap(tc.Args)},
					ThoughtSignature: tc.Signature,
				})
			case p.ToolResult != nil:
				r := p.ToolResult
				key := "output"
				if r.IsError {
					key = "error"
				}
				parts = append(parts, &genai.Part{FunctionResponse: &genai.FunctionResponse{
					ID:       wireID(r.CallID),
					Name:     callNames[r.CallID],
					Response: map[string]any{key: r.Content},
				}})
			case p.Image != nil && m.cfg.AcceptImages:
				parts = append(parts, &genai.Part{InlineData: &genai.Blob{MIMEType: p.Image.MIMEType, Data: p.Image.Data}})
			case p.Image != nil:
				parts = append(parts, &genai.Part{Text: llm.ImageOmitted})
			default:
				parts = append(parts, &genai.Part{Text: p.Text, ThoughtSignature: p.Signature})
			}
		}
		// Function responses and the observation after them form one user
		// turn, right after the model turn with the calls.
		if n := len(contents); n > 0 && contents[n-1].Role == role {
			contents[n-1].Parts = append(contents[n-1].Parts, parts...)
			continue
		}
		contents = append(contents, &genai.Content{Role: role, Parts: parts})
	}
	return contents, cfg, nil
}

// argsMap decodes call arguments; arguments that are not a JSON object (a
// malformed call from another provider earlier in the conversation) become
// an empty object, as Gemini only takes objects.
func argsMap(args json.RawMessage) map[string]any {
	var m map[string]any
	if json.Unmarshal(args, &m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}
