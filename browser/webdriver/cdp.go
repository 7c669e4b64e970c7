package webdriver

import (
	"context"
	"encoding/json"
)

// ExecuteCDP sends one Chrome DevTools Protocol command to the current
// page through chromedriver's pass-through (POST /session/{id}/goog/cdp/execute)
// and returns its result object. Remote ends without the pass-through
// answer with an error matching ErrUnknownCommand.
//
// The pass-through skips WebDriver's navigation and prompt handling, which
// is what makes it fast; callers own those concerns.
func (s *Session) ExecuteCDP(ctx context.Context, method string, params any) (json.RawMessage, error) {
	if params == nil {
		params = struct{}{}
	}
	var v json.RawMessage
	err := s.post(ctx, "/goog/cdp/execute", map[string]any{"cmd": method, "params": params}, &v)
	return v, err
}

// CallCDP is ExecuteCDP decoding the result object into result in one pass,
// for large results on hot paths.
func (s *Session) CallCDP(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	return s.post(ctx, "/goog/cdp/execute", map[string]any{"cmd": method, "params": params}, result)
}
