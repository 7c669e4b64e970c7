package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/argusqa/argus/store"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "argus_session"

// Access is what a route requires of its caller.
type Access int

// Access levels.
const (
	// Public routes need no authentication (login, health, the OpenAPI
	// document).
	Public Access = iota
	// Member routes need any principal of the tenant: members run and
	// edit tests and read everything.
	Member
	// Admin routes need an admin: keys, members, secrets, webhooks,
	// integrations, the tenant itself.
	Admin
)

func (a Access) String() string {
	return [...]string{"public", "member", "admin"}[a]
}

// requireAuth authenticates the request, checks its role against access
// and, for cookie sessions, its origin; next sees the principal through
// PrincipalFrom.
func (s *Server) requireAuth(access Access, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="argus"`)
			s.fail(w, r, err)
			return
		}
		if p.ViaSession() {
			if err := s.cop.Check(r); err != nil {
				WriteProblem(w, problem(http.StatusForbidden, "cross-origin request refused: a cookie-authenticated change must come from the Argus origin"))
				return
			}
		}
		if access == Admin && !p.IsAdmin() {
			WriteProblem(w, problem(http.StatusForbidden, "only an admin of this tenant may do this"))
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// RequireAuth wraps h so it is reached only by an authenticated principal
// with at least access (Member or Admin). For handlers mounted outside
// Handle.
func (s *Server) RequireAuth(access Access, h http.Handler) http.Handler {
	if access == Public {
		return h
	}
	return s.requireAuth(access, h)
}

var errUnauthenticated = problem(http.StatusUnauthorized, "sign in, or send an API key as Authorization: Bearer argus_…")

// authenticate finds the principal of a request: a bearer API key first,
// else the session cookie.
func (s *Server) authenticate(r *http.Request) (*Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			return nil, problem(http.StatusUnauthorized, "the Authorization header must be: Bearer argus_…")
		}
		k, err := s.keys.get(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			return nil, authProblem(err, "API key")
		}
		return &Principal{TenantID: k.TenantID, Role: k.Role, KeyID: &k.ID, KeyName: k.Name}, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, errUnauthenticated
	}
	sess, err := s.store.LookupSession(r.Context(), c.Value)
	if err != nil {
		return nil, authProblem(err, "session")
	}
	return &Principal{TenantID: sess.TenantID, Role: sess.Role, UserID: &sess.UserID, Session: c.Value}, nil
}

// authProblem turns a refused credential into a 401 that says why
// (unknown, expired or revoked) without telling whose it was.
func authProblem(err error, what string) error {
	switch {
	case errors.Is(err, store.ErrExpired):
		return problem(http.StatusUnauthorized, "this "+what+" has expired")
	case errors.Is(err, store.ErrRevoked):
		return problem(http.StatusUnauthorized, "this "+what+" was revoked")
	case errors.Is(err, store.ErrNotFound):
		return problem(http.StatusUnauthorized, "unknown "+what+"; sign in again or use a valid key")
	}
	return err
}

// setSessionCookie sets the cookie the trust-center spec describes:
// HttpOnly, SameSite=Lax, Path=/, MaxAge 7 days (the session's life),
// Secure when the server is reached over https.
func (s *Server) setSessionCookie(w http.ResponseWriter, sess *store.Session) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    sess.Token,
		Path:     "/",
		MaxAge:   int(sess.ExpiresAt.Sub(sess.CreatedAt).Round(time.Second).Seconds()),
		HttpOnly: true,
		Secure:   s.secureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteLaxMode,
	})
}
