package server

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
)

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

var errCrossOrigin = problem(http.StatusForbidden, "cross-origin request refused: a cookie-authenticated change must come from the Argus origin")

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
			if err := s.app.CrossOriginProtection().Check(r); err != nil {
				WriteProblem(w, errCrossOrigin)
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

// authenticate finds the principal of a request: a bearer API key first,
// else the session cookie.
func (s *Server) authenticate(r *http.Request) (*app.Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			return nil, problem(http.StatusUnauthorized, "the Authorization header must be: Bearer argus_…")
		}
		return s.app.AuthenticateKey(r.Context(), tok)
	}
	c, err := r.Cookie(app.SessionCookie)
	if err != nil {
		return s.app.AuthenticateSession(r.Context(), "")
	}
	return s.app.AuthenticateSession(r.Context(), c.Value)
}
