package webdriver

import (
	"context"
	"encoding/json"
)

type scriptBody struct {
	Script string `json:"script"`
	Args   []any  `json:"args"`
}

// ExecuteScript runs script as the body of a function in the current
// browsing context and returns its JSON-serialized result. The function
// sees args as `arguments`; Element values become DOM elements. If the
// function returns a promise, the remote end waits for it (bounded by the
// script timeout). A thrown exception becomes an error matching
// ErrJavaScript.
func (s *Session) ExecuteScript(ctx context.Context, script string, args ...any) (json.RawMessage, error) {
	if args == nil {
		args = []any{}
	}
	var v json.RawMessage
	err := s.post(ctx, "/execute/sync", scriptBody{script, args}, &v)
	return v, err
}

// ExecuteAsyncScript runs script with a callback appended to its
// arguments; the result is the value passed to that callback. If the
// callback is not called within the script timeout the error matches
// ErrScriptTimeout.
func (s *Session) ExecuteAsyncScript(ctx context.Context, script string, args ...any) (json.RawMessage, error) {
	if args == nil {
		args = []any{}
	}
	var v json.RawMessage
	err := s.post(ctx, "/execute/async", scriptBody{script, args}, &v)
	return v, err
}
