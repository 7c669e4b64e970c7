package webdriver

import "context"

// SwitchToFrame makes the iframe or frame element el the current browsing
// context. Element commands and scripts then run inside it.
func (s *Session) SwitchToFrame(ctx context.Context, el Element) error {
	return s.post(ctx, "/frame", map[string]any{"id": el}, nil)
}

// SwitchToFrameIndex makes window.frames[i] of the current context current.
func (s *Session) SwitchToFrameIndex(ctx context.Context, i int) error {
	return s.post(ctx, "/frame", map[string]any{"id": i}, nil)
}

// SwitchToTopFrame makes the top-level browsing context current again.
func (s *Session) SwitchToTopFrame(ctx context.Context) error {
	return s.post(ctx, "/frame", map[string]any{"id": nil}, nil)
}

// SwitchToParentFrame makes the parent of the current context current.
func (s *Session) SwitchToParentFrame(ctx context.Context) error {
	return s.post(ctx, "/frame/parent", nil, nil)
}
