package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// Tool is a function the model may call.
type Tool struct {
	// Name must match ^[A-Za-z_][A-Za-z0-9_-]{0,63}$: the intersection of
	// what Gemini, OpenAI and Anthropic accept.
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Parameters is a JSON Schema whose root is {"type":"object", ...}.
	// Empty means the tool takes no arguments.
	Parameters json.RawMessage `json:"parameters,omitempty"`
}

var toolNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)

// Schema returns the parameters schema decoded, ready for a provider SDK.
// A tool without parameters gets an empty object schema. The map is fresh on
// every call, so callers may modify it.
func (t Tool) Schema() (map[string]any, error) {
	if len(t.Parameters) == 0 {
		// What a tool without parameters declares; every provider accepts it.
		return map[string]any{"type": "object", "properties": map[string]any{}}, nil
	}
	var schema map[string]any
	if err := json.Unmarshal(t.Parameters, &schema); err != nil {
		return nil, fmt.Errorf("tool %q: parameters must be a JSON Schema object: %w", t.Name, err)
	}
	if schema == nil {
		return nil, fmt.Errorf("tool %q: parameters must be a JSON Schema object, not null", t.Name)
	}
	if typ, ok := schema["type"]; !ok || typ != "object" {
		return nil, fmt.Errorf("tool %q: parameters schema must have \"type\": \"object\" at its root (got %v)", t.Name, typ)
	}
	if _, ok := schema["properties"]; !ok {
		schema["properties"] = map[string]any{}
	}
	return schema, nil
}

func (t Tool) validate() error {
	if !toolNameRE.MatchString(t.Name) {
		return fmt.Errorf("tool name %q is invalid: use 1-64 letters, digits, '_' or '-', not starting with a digit or '-'", t.Name)
	}
	_, err := t.Schema()
	return err
}

func validateTools(tools []Tool) error {
	seen := make(map[string]bool, len(tools))
	var errs []error
	for i, t := range tools {
		if err := t.validate(); err != nil {
			errs = append(errs, fmt.Errorf("tools[%d]: %w", i, err))
			continue
		}
		if seen[t.Name] {
			errs = append(errs, fmt.Errorf("tools[%d]: tool name %q is declared twice", i, t.Name))
		}
		seen[t.Name] = true
	}
	return errors.Join(errs...)
}
