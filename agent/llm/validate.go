package llm

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Validate checks a request against the rules every provider shares, so a
// malformed conversation fails here with a precise message instead of as an
// opaque HTTP 400 from whichever provider happens to be configured.
//
// Rules: at least one message, the first from the user; user messages hold text and images, assistant
// messages text and tool calls, tool messages tool results; every tool call
// has a unique id and is answered by the tool messages right after it, and
// every result answers such a call; the conversation ends with a user message
// or tool results; tools have valid names and object schemas; images are PNG
// or JPEG and their bytes say so.
func (r *Request) Validate() error {
	if r == nil {
		return errors.New("request is nil")
	}
	var errs []error
	if len(r.Messages) == 0 {
		errs = append(errs, errors.New("request has no messages"))
	} else if r.Messages[0].Role != RoleUser {
		errs = append(errs, fmt.Errorf("the conversation must start with a user message, not %q", r.Messages[0].Role))
	}
	if err := validateTools(r.Tools); err != nil {
		errs = append(errs, err)
	}
	switch r.ToolChoice {
	case "", ToolChoiceAuto, ToolChoiceNone:
	case ToolChoiceRequired:
		if len(r.Tools) == 0 {
			errs = append(errs, errors.New(`tool choice "required" needs at least one tool`))
		}
	default:
		errs = append(errs, fmt.Errorf("tool choice %q is invalid: use %q, %q or %q", r.ToolChoice, ToolChoiceAuto, ToolChoiceRequired, ToolChoiceNone))
	}
	if r.MaxOutputTokens < 0 {
		errs = append(errs, fmt.Errorf("max output tokens %d is negative", r.MaxOutputTokens))
	}
	if t := r.Temperature; t != nil && (*t < 0 || *t > 2) {
		errs = append(errs, fmt.Errorf("temperature %v is outside [0, 2]", *t))
	}
	errs = append(errs, validateConversation(r.Messages)...)
	return errors.Join(errs...)
}

func validateConversation(msgs []Message) []error {
	var errs []error
	seenIDs := map[string]bool{}
	var pending []string // calls of the last assistant message still unanswered
	for i, m := range msgs {
		where := fmt.Sprintf("messages[%d] (%s)", i, m.Role)
		if len(m.Parts) == 0 {
			errs = append(errs, fmt.Errorf("%s: message has no parts", where))
		}
		if m.Role != RoleTool && len(pending) > 0 {
			errs = append(errs, fmt.Errorf("%s: tool calls %s of the previous assistant message have no results; answer them with a tool message first", where, strings.Join(pending, ", ")))
			pending = nil
		}
		switch m.Role {
		case RoleUser, RoleAssistant:
		case RoleTool:
			if len(pending) == 0 && (i == 0 || msgs[i-1].Role != RoleTool) {
				errs = append(errs, fmt.Errorf("%s: tool results must follow an assistant message with tool calls", where))
			}
		default:
			errs = append(errs, fmt.Errorf("%s: role %q is invalid: use %q, %q or %q", where, m.Role, RoleUser, RoleAssistant, RoleTool))
			continue
		}
		for j, p := range m.Parts {
			pw := fmt.Sprintf("%s.parts[%d]", where, j)
			if err := p.validateShape(m.Role); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", pw, err))
				continue
			}
			switch {
			case p.ToolCall != nil:
				tc := p.ToolCall
				if tc.ID == "" || tc.Name == "" {
					errs = append(errs, fmt.Errorf("%s: tool call needs an id and a name (got id %q, name %q)", pw, tc.ID, tc.Name))
					continue
				}
				if seenIDs[tc.ID] {
					errs = append(errs, fmt.Errorf("%s: tool call id %q is used twice in the conversation", pw, tc.ID))
				}
				seenIDs[tc.ID] = true
				pending = append(pending, tc.ID)
			case p.ToolResult != nil:
				k := slices.Index(pending, p.ToolResult.CallID)
				if k < 0 {
					errs = append(errs, fmt.Errorf("%s: result for call id %q answers no open call of the previous assistant message", pw, p.ToolResult.CallID))
					continue
				}
				pending = slices.Delete(pending, k, k+1)
			case p.Image != nil:
				if err := p.Image.validate(); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", pw, err))
				}
			}
		}
	}
	if len(pending) > 0 {
		errs = append(errs, fmt.Errorf("tool calls %s of the last assistant message have no results", strings.Join(pending, ", ")))
	} else if n := len(msgs); n > 0 && msgs[n-1].Role == RoleAssistant {
		errs = append(errs, errors.New("conversation ends with an assistant message; it must end with a user message or tool results"))
	}
	return errs
}

// validateShape checks that exactly one kind is set and that the role may
// hold it.
func (p Part) validateShape(role Role) error {
	kinds := 0
	kind := ""
	if p.Text != "" {
		kinds, kind = kinds+1, "text"
	}
	if p.Image != nil {
		kinds, kind = kinds+1, "image"
	}
	if p.ToolCall != nil {
		kinds, kind = kinds+1, "tool call"
	}
	if p.ToolResult != nil {
		kinds, kind = kinds+1, "tool result"
	}
	switch {
	case kinds == 0:
		return errors.New("part is empty: set text, an image, a tool call or a tool result")
	case kinds > 1:
		return errors.New("part sets more than one of text, image, tool call and tool result")
	}
	if len(p.Signature) > 0 && kind != "text" {
		return fmt.Errorf("a %s part cannot carry a signature (tool calls keep theirs in ToolCall.Signature)", kind)
	}
	allowed := map[Role][]string{
		RoleUser:      {"text", "image"},
		RoleAssistant: {"text", "tool call"},
		RoleTool:      {"tool result"},
	}[role]
	if !slices.Contains(allowed, kind) {
		return fmt.Errorf("%s messages cannot hold %s parts (allowed: %s)", role, kind, strings.Join(allowed, ", "))
	}
	return nil
}

func (img *Image) validate() error {
	switch img.MIMEType {
	case "image/png", "image/jpeg":
	default:
		return fmt.Errorf("image type %q is not supported: use image/png or image/jpeg", img.MIMEType)
	}
	if len(img.Data) == 0 {
		return errors.New("image has no data")
	}
	if got := http.DetectContentType(img.Data); got != img.MIMEType {
		return fmt.Errorf("image says %s but its bytes look like %s", img.MIMEType, got)
	}
	return nil
}
