package webdriver

import "context"

// AlertText returns the message of the open user prompt (alert, confirm,
// prompt), or an error matching ErrNoSuchAlert.
func (s *Session) AlertText(ctx context.Context) (string, error) {
	var t string
	err := s.get(ctx, "/alert/text", &t)
	return t, err
}

// AcceptAlert presses OK on the open user prompt.
func (s *Session) AcceptAlert(ctx context.Context) error {
	return s.post(ctx, "/alert/accept", nil, nil)
}

// DismissAlert presses Cancel on the open user prompt.
func (s *Session) DismissAlert(ctx context.Context) error {
	return s.post(ctx, "/alert/dismiss", nil, nil)
}

// SendAlertText types text into the open window.prompt().
func (s *Session) SendAlertText(ctx context.Context, text string) error {
	return s.post(ctx, "/alert/text", map[string]string{"text": text}, nil)
}
