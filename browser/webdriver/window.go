package webdriver

import "context"

// WindowRect returns the position and size of the current window.
func (s *Session) WindowRect(ctx context.Context) (Rect, error) {
	var r Rect
	err := s.get(ctx, "/window/rect", &r)
	return r, err
}

// SetWindowSize resizes the current window to width×height CSS pixels
// (outer size) and returns the size the window actually got.
func (s *Session) SetWindowSize(ctx context.Context, width, height int) (Rect, error) {
	var r Rect
	err := s.post(ctx, "/window/rect", map[string]int{"width": width, "height": height}, &r)
	return r, err
}

// WindowHandle returns the handle of the current window.
func (s *Session) WindowHandle(ctx context.Context) (string, error) {
	var h string
	err := s.get(ctx, "/window", &h)
	return h, err
}

// WindowHandles returns the handles of all windows of the session.
func (s *Session) WindowHandles(ctx context.Context) ([]string, error) {
	var hs []string
	err := s.get(ctx, "/window/handles", &hs)
	return hs, err
}

// SwitchToWindow makes the window with the given handle current.
func (s *Session) SwitchToWindow(ctx context.Context, handle string) error {
	return s.post(ctx, "/window", map[string]string{"handle": handle}, nil)
}

// NewWindow opens a new tab (kind "tab") or window (kind "window") and
// returns its handle; it does not switch to it.
func (s *Session) NewWindow(ctx context.Context, kind string) (string, error) {
	var v struct {
		Handle string `json:"handle"`
	}
	err := s.post(ctx, "/window/new", map[string]string{"type": kind}, &v)
	return v.Handle, err
}

// CloseWindow closes the current window and returns the remaining handles.
func (s *Session) CloseWindow(ctx context.Context) ([]string, error) {
	var hs []string
	err := s.c.do(ctx, "DELETE", s.path+"/window", nil, &hs)
	return hs, err
}
