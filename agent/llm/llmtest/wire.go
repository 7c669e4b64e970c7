package llmtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// toolNameRE is what all three providers accept as a function name.
var toolNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// checkImage checks base64 image data against its declared media type, as
// providers do before the model sees it.
func checkImage(mediaType, b64 string) error {
	if mediaType != "image/png" && mediaType != "image/jpeg" {
		return fmt.Errorf("unsupported image media type %q", mediaType)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("image data is not valid base64: %w", err)
	}
	if got := http.DetectContentType(data); got != mediaType {
		return fmt.Errorf("image declared as %s but its bytes are %s", mediaType, got)
	}
	return nil
}

// checkSchema checks a function's parameter schema: a JSON object whose type
// is "object".
func checkSchema(raw json.RawMessage) error {
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil || schema == nil {
		return fmt.Errorf("parameters must be a JSON Schema object")
	}
	if schema["type"] != "object" {
		return fmt.Errorf(`parameters schema must have "type": "object"`)
	}
	return nil
}

// jsonObject reports whether raw is a JSON object.
func jsonObject(raw json.RawMessage) bool {
	var obj map[string]any
	return json.Unmarshal(raw, &obj) == nil && obj != nil
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return v[7:]
	}
	return ""
}

// argsOrEmpty returns a tool call's args, {} when it has none.
func argsOrEmpty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}
