package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// SessionCookie is the cookie the API server reads too, so one login
// serves both.
const SessionCookie = app.SessionCookie

// viewer is the signed-in person a page is rendered for.
type viewer struct {
	UserID   uuid.UUID
	TenantID uuid.UUID
	Role     store.Role
	User     *store.User
	Tenant   *store.Tenant
	// Tenants are every tenant the person belongs to, for the switcher.
	Tenants []store.UserMembership
	// p is the principal every App call is made as.
	p *app.Principal
}

// IsAdmin reports whether the viewer administers the current tenant.
func (v *viewer) IsAdmin() bool { return v != nil && v.Role == store.RoleAdmin }

// appHandler is a page handler for a signed-in person; a returned error
// becomes an error page (404 for app.CodeNotFound, and so on).
type appHandler func(w http.ResponseWriter, r *http.Request, v *viewer) error

// auth resolves the session cookie into a viewer. Without a valid session a
// GET is sent to the login page (and back afterwards); with adminOnly a
// member gets a 403 page.
func (u *UI) auth(adminOnly bool, h appHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := u.viewer(r)
		if err != nil {
			if !app.IsUnauthenticated(err) {
				u.log.Error("session lookup failed", "error", err)
			}
			http.SetCookie(w, u.app.ClearSessionCookie())
			next := "/login"
			if r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/live") {
				next += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if adminOnly && !v.IsAdmin() {
			u.renderError(w, r, v, http.StatusForbidden, "Admins only",
				"This page is for admins of "+v.Tenant.Name+". Ask an admin if you need something changed here.")
			return
		}
		if err := h(w, r, v); err != nil {
			u.fail(w, r, v, err)
		}
	})
}

func (u *UI) viewer(r *http.Request) (*viewer, error) {
	token := ""
	if c, err := r.Cookie(SessionCookie); err == nil {
		token = c.Value
	}
	p, err := u.app.AuthenticateSession(r.Context(), token)
	if err != nil {
		return nil, err
	}
	av, err := u.app.Viewer(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return &viewer{UserID: *p.UserID, TenantID: p.TenantID, Role: p.Role, User: av.User, Tenant: av.Tenant, Tenants: av.Tenants, p: p}, nil
}

// safeNext keeps a post-login redirect on this site: a path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/projects"
	}
	return next
}
