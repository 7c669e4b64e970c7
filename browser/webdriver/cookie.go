package webdriver

import (
	"context"
	"net/url"
)

// Cookie is a W3C cookie. Expiry is seconds since the Unix epoch (0 for a
// session cookie).
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Expiry   int64  `json:"expiry,omitempty"`
	SameSite string `json:"sameSite,omitempty"`
}

// Cookies returns the cookies visible to the current document.
func (s *Session) Cookies(ctx context.Context) ([]Cookie, error) {
	var cs []Cookie
	err := s.get(ctx, "/cookie", &cs)
	return cs, err
}

// Cookie returns one cookie by name, or an error matching ErrNoSuchCookie.
func (s *Session) Cookie(ctx context.Context, name string) (Cookie, error) {
	var c Cookie
	err := s.get(ctx, "/cookie/"+url.PathEscape(name), &c)
	return c, err
}

// AddCookie sets a cookie for the current document's domain.
func (s *Session) AddCookie(ctx context.Context, c Cookie) error {
	return s.post(ctx, "/cookie", map[string]Cookie{"cookie": c}, nil)
}

// DeleteCookie deletes one cookie by name.
func (s *Session) DeleteCookie(ctx context.Context, name string) error {
	return s.del(ctx, "/cookie/"+url.PathEscape(name))
}

// DeleteAllCookies deletes the cookies visible to the current document.
func (s *Session) DeleteAllCookies(ctx context.Context) error {
	return s.del(ctx, "/cookie")
}
