package openai

import (
	"encoding/base64"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/shared"

	"github.com/argusqa/argus/agent/llm"
)

// errorPrefix marks a failed tool result: chat completions has no error flag
// on tool messages, so the model learns it from the text.
const errorPrefix = "Error: "

// params maps a validated request onto chat completions parameters.
func (m *Model) params(req *llm.Request) (oai.ChatCompletionNewParams, error) {
	p := oai.ChatCompletionNewParams{Model: shared.ChatModel(m.cfg.Model)}
	if req.System != "" {
		p.Messages = append(p.Messages, oai.SystemMessage(req.System))
	}
	for _, msg := range req.Messages {
		switch msg.Role {
		case llm.RoleUser:
			p.Messages = append(p.Messages, m.userMessage(msg))
		case llm.RoleAssistant:
			p.Messages = append(p.Messages, assistantMessage(msg))
		case llm.RoleTool:
			// One "tool" message per result, each keyed by its call id.
			for _, part := range msg.Parts {
				r := part.ToolResult
				content := r.Content
				if r.IsError {
					content = errorPrefix + content
				}
				p.Messages = append(p.Messages, oai.ToolMessage(content, r.CallID))
			}
		}
	}
	for _, t := range req.Tools {
		schema, err := t.Schema()
		if err != nil {
			return p, err
		}
		def := shared.FunctionDefinitionParam{Name: t.Name, Parameters: shared.FunctionParameters(schema)}
		if t.Description != "" {
			def.Description = param.NewOpt(t.Description)
		}
		p.Tools = append(p.Tools, oai.ChatCompletionFunctionTool(def))
	}
	if req.ToolChoice != "" && len(req.Tools) > 0 {
		p.ToolChoice = oai.ChatCompletionToolChoiceOptionUnionParam{OfAuto: param.NewOpt(string(req.ToolChoice))}
	}
	if req.MaxOutputTokens > 0 {
		if m.cfg.LegacyMaxTokens {
			p.MaxTokens = param.NewOpt(int64(req.MaxOutputTokens))
		} else {
			p.MaxCompletionTokens = param.NewOpt(int64(req.MaxOutputTokens))
		}
	}
	if req.Temperature != nil {
		p.Temperature = param.NewOpt(*req.Temperature)
	}
	return p, nil
}

func (m *Model) userMessage(msg llm.Message) oai.ChatCompletionMessageParamUnion {
	if len(msg.Parts) == 1 && msg.Parts[0].Image == nil {
		return oai.UserMessage(msg.Parts[0].Text)
	}
	var parts []oai.ChatCompletionContentPartUnionParam
	for _, part := range msg.Parts {
		switch {
		case part.Image != nil && m.cfg.AcceptImages:
			url := "data:" + part.Image.MIMEType + ";base64," + base64.StdEncoding.EncodeToString(part.Image.Data)
			parts = append(parts, oai.ImageContentPart(oai.ChatCompletionContentPartImageImageURLParam{URL: url}))
		case part.Image != nil:
			parts = append(parts, oai.TextContentPart(llm.ImageOmitted))
		default:
			parts = append(parts, oai.TextContentPart(part.Text))
		}
	}
	return oai.UserMessage(parts)
}

func assistantMessage(msg llm.Message) oai.ChatCompletionMessageParamUnion {
	var a oai.ChatCompletionAssistantMessageParam
	var text strings.Builder
	for _, part := range msg.Parts {
		if tc := part.ToolCall; tc != nil {
			args := string(tc.Args)
			if args == "" {
				args = "{}"
			}
			a.ToolCalls = append(a.ToolCalls, oai.ChatCompletionMessageToolCallUnionParam{
				OfFunction: &oai.ChatCompletionMessageFunctionToolCallParam{
					ID: tc.ID,
					Function: oai.ChatCompletionMessageFunctionToolCallFunctionParam{
						Name:      tc.Name,
						Arguments: args, // verbatim: the model's own text goes back unchanged
					},
				},
			})
			continue
		}
		text.WriteString(part.Text)
	}
	if text.Len() > 0 {
		a.Content.OfString = param.NewOpt(text.String())
	}
	return oai.ChatCompletionMessageParamUnion{OfAssistant: &a}
}
