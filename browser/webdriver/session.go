package webdriver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Capabilities are W3C capabilities, e.g. {"browserName": "chrome",
// "webSocketUrl": true, "goog:chromeOptions": {...}}.
type Capabilities map[string]any

// WebSocketURL returns the BiDi URL the remote end returned for the
// capability webSocketUrl, or "" when it offered none.
func (c Capabilities) WebSocketURL() string {
	s, _ := c["webSocketUrl"].(string)
	return s
}

// BrowserVersion returns the browserVersion capability.
func (c Capabilities) BrowserVersion() string {
	s, _ := c["browserVersion"].(string)
	return s
}

// Session is one WebDriver session. Its methods map one-to-one to W3C
// commands and are safe for concurrent use, although the remote end
// processes one session's commands one at a time.
type Session struct {
	c    *Client
	id   string
	caps Capabilities
	path string // "/session/{id}"
}

// NewSession creates a session whose alwaysMatch capabilities are caps.
// A remote end that cannot satisfy them answers with an error matching
// ErrSessionNotCreated (or ErrInvalidArgument for malformed ones).
func (c *Client) NewSession(ctx context.Context, caps Capabilities) (*Session, error) {
	if caps == nil {
		caps = Capabilities{}
	}
	body := map[string]any{
		"capabilities": map[string]any{
			"alwaysMatch": caps,
			"firstMatch":  []any{map[string]any{}},
		},
	}
	var resp struct {
		SessionID    string       `json:"sessionId"`
		Capabilities Capabilities `json:"capabilities"`
	}
	if err := c.do(ctx, http.MethodPost, "/session", body, &resp); err != nil {
		return nil, err
	}
	if resp.SessionID == "" {
		return nil, fmt.Errorf("webdriver: POST /session: answer without a session id")
	}
	return c.Attach(resp.SessionID, resp.Capabilities), nil
}

// Attach returns a handle for an existing session, e.g. one created by
// another process. caps may be nil.
func (c *Client) Attach(id string, caps Capabilities) *Session {
	return &Session{c: c, id: id, caps: caps, path: "/session/" + url.PathEscape(id)}
}

// ID returns the session id the remote end assigned.
func (s *Session) ID() string { return s.id }

// Capabilities returns the capabilities the remote end matched.
func (s *Session) Capabilities() Capabilities { return s.caps }

// Client returns the client the session belongs to.
func (s *Session) Client() *Client { return s.c }

// Delete ends the session; the remote end closes the browser.
func (s *Session) Delete(ctx context.Context) error {
	return s.c.do(ctx, http.MethodDelete, s.path, nil, nil)
}

// get, post and del send a command below /session/{id}.
func (s *Session) get(ctx context.Context, p string, out any) error {
	return s.again(s.c.do(ctx, http.MethodGet, s.path+p, nil, out), func() error {
		return s.c.do(ctx, http.MethodGet, s.path+p, nil, out)
	})
}

func (s *Session) post(ctx context.Context, p string, body, out any) error {
	return s.again(s.c.do(ctx, http.MethodPost, s.path+p, body, out), func() error {
		return s.c.do(ctx, http.MethodPost, s.path+p, body, out)
	})
}

// again sends a command a second time when the first try lost a race over
// a user prompt. With a BiDi connection open, chromedriver answers an
// alert/confirm/prompt twice over: its BiDi side handles the prompt as
// soon as it opens (unhandledPromptBehavior), and a classic command sent
// while the prompt was still showing runs the classic prompt handler
// first. When BiDi wins, the classic handler finds nothing to answer and
// the command fails with "invalid argument: No dialog is showing" before
// it ran — an observation right after a click that opened a confirm()
// hits this. The prompt is answered either way, so the command can simply
// be sent again.
func (s *Session) again(err error, retry func() error) error {
	if err == nil || !promptAlreadyHandled(err) {
		return err
	}
	return retry()
}

// promptAlreadyHandled reports chromedriver's answer for a prompt that was
// answered before its classic prompt handler got to it.
func promptAlreadyHandled(err error) bool {
	var werr *Error
	return errors.As(err, &werr) && werr.Code == CodeInvalidArgument && strings.Contains(werr.Message, "No dialog is showing")
}

func (s *Session) del(ctx context.Context, p string) error {
	return s.c.do(ctx, http.MethodDelete, s.path+p, nil, nil)
}
