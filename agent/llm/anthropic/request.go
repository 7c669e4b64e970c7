package anthropic

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	sdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/packages/param"

	"github.com/argusqa/argus/agent/llm"
)

// params maps a validated request onto messages parameters.
func (m *Model) params(req *llm.Request) (sdk.MessageNewParams, error) {
	p := sdk.MessageNewParams{
		Model:     sdk.Model(m.cfg.Model),
		MaxTokens: int64(m.cfg.MaxOutputTokens),
	}
	if req.MaxOutputTokens > 0 {
		p.MaxTokens = int64(req.MaxOutputTokens)
	}
	if req.System != "" {
		p.System = []sdk.TextBlockParam{{Text: req.System}}
	}
	if t := req.Temperature; t != nil {
		if *t > 1 {
			return p, fmt.Errorf("temperature %v is above 1, the maximum Anthropic accepts", *t)
		}
		p.Temperature = param.NewOpt(*t)
	}
	for _, msg := range req.Messages {
		role := sdk.MessageParamRoleUser
		if msg.Role == llm.RoleAssistant {
			role = sdk.MessageParamRoleAssistant
		}
		blocks := m.blocks(msg)
		// Tool results travel in a user turn; the observation that follows
		// them joins that same turn, after them, as the API wants.
		if n := len(p.Messages); n > 0 && p.Messages[n-1].Role == role {
			p.Messages[n-1].Content = append(p.Messages[n-1].Content, blocks...)
			continue
		}
		p.Messages = append(p.Messages, sdk.MessageParam{Role: role, Content: blocks})
	}
	for _, t := range req.Tools {
		tool, err := toolParam(t)
		if err != nil {
			return p, err
		}
		p.Tools = append(p.Tools, sdk.ToolUnionParam{OfTool: &tool})
	}
	if len(req.Tools) > 0 {
		switch req.ToolChoice {
		case llm.ToolChoiceRequired:
			p.ToolChoice = sdk.ToolChoiceUnionParam{OfAny: &sdk.ToolChoiceAnyParam{}}
		case llm.ToolChoiceNone:
			p.ToolChoice = sdk.ToolChoiceUnionParam{OfNone: &sdk.ToolChoiceNoneParam{}}
		case llm.ToolChoiceAuto:
			p.ToolChoice = sdk.ToolChoiceUnionParam{OfAuto: &sdk.ToolChoiceAutoParam{}}
		}
	}
	return p, nil
}

func (m *Model) blocks(msg llm.Message) []sdk.ContentBlockParamUnion {
	var blocks []sdk.ContentBlockParamUnion
	for _, part := range msg.Parts {
		switch {
		case part.ToolResult != nil:
			r := part.ToolResult
			if r.Content == "" {
				// Empty text blocks are rejected; an empty result is not.
				blocks = append(blocks, sdk.ContentBlockParamUnion{OfToolResult: &sdk.ToolResultBlockParam{
					ToolUseID: r.CallID, IsError: param.NewOpt(r.IsError),
				}})
				continue
			}
			blocks = append(blocks, sdk.NewToolResultBlock(r.CallID, r.Content, r.IsError))
		case part.ToolCall != nil:
			blocks = append(blocks, sdk.NewToolUseBlock(part.ToolCall.ID, inputObject(part.ToolCall.Args), part.ToolCall.Name))
		case part.Image != nil && m.cfg.AcceptImages:
			blocks = append(blocks, sdk.NewImageBlockBase64(part.Image.MIMEType, base64.StdEncoding.EncodeToString(part.Image.Data)))
		case part.Image != nil:
			blocks = append(blocks, sdk.NewTextBlock(llm.ImageOmitted))
		default:
			blocks = append(blocks, sdk.NewTextBlock(part.Text))
		}
	}
	return blocks
}

// inputObject returns a call's arguments as the JSON object tool_use needs.
// Arguments that are not an object (a malformed call from another provider
// earlier in the conversation) become {}, as the API would reject them.
func inputObject(args json.RawMessage) json.RawMessage {
	var obj map[string]any
	if json.Unmarshal(args, &obj) != nil || obj == nil {
		return json.RawMessage("{}")
	}
	return args
}

// toolParam maps a tool onto a client tool: the schema's properties and
// required list go to their fields, everything else ($defs,
// additionalProperties, ...) rides along as extra fields.
func toolParam(t llm.Tool) (sdk.ToolParam, error) {
	schema, err := t.Schema()
	if err != nil {
		return sdk.ToolParam{}, err
	}
	in := sdk.ToolInputSchemaParam{Properties: schema["properties"]}
	if req, ok := schema["required"]; ok {
		list, ok := req.([]any)
		if !ok {
			return sdk.ToolParam{}, fmt.Errorf("tool %q: schema \"required\" must be a list of property names", t.Name)
		}
		for _, v := range list {
			name, ok := v.(string)
			if !ok {
				return sdk.ToolParam{}, errors.New("tool " + t.Name + `: schema "required" must list property names`)
			}
			in.Required = append(in.Required, name)
		}
	}
	for k, v := range schema {
		switch k {
		case "type", "properties", "required":
		default:
			if in.ExtraFields == nil {
				in.ExtraFields = map[string]any{}
			}
			in.ExtraFields[k] = v
		}
	}
	tp := sdk.ToolParam{Name: t.Name, InputSchema: in}
	if t.Description != "" {
		tp.Description = param.NewOpt(t.Description)
	}
	return tp, nil
}
