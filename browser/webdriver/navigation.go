package webdriver

import "context"

// Navigate loads url in the current top-level browsing context and waits
// for it as the page load strategy says (by default until the load event),
// bounded by the session's page load timeout: a slow page fails with an
// error matching ErrTimeout.
func (s *Session) Navigate(ctx context.Context, url string) error {
	return s.post(ctx, "/url", map[string]string{"url": url}, nil)
}

// CurrentURL returns the URL of the current top-level browsing context.
func (s *Session) CurrentURL(ctx context.Context) (string, error) {
	var u string
	err := s.get(ctx, "/url", &u)
	return u, err
}

// Title returns the document title of the current top-level browsing
// context. Like most commands it first waits for a pending navigation.
func (s *Session) Title(ctx context.Context) (string, error) {
	var t string
	err := s.get(ctx, "/title", &t)
	return t, err
}

// Back goes one step back in history.
func (s *Session) Back(ctx context.Context) error { return s.post(ctx, "/back", nil, nil) }

// Forward goes one step forward in history.
func (s *Session) Forward(ctx context.Context) error { return s.post(ctx, "/forward", nil, nil) }

// Refresh reloads the current page.
func (s *Session) Refresh(ctx context.Context) error { return s.post(ctx, "/refresh", nil, nil) }

// PageSource returns the serialized DOM of the current browsing context.
func (s *Session) PageSource(ctx context.Context) (string, error) {
	var src string
	err := s.get(ctx, "/source", &src)
	return src, err
}
