package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// SessionCookie is the cookie the API server reads too, so one login
// serves both.
const SessionCookie = "argus_session"

// viewer is the signed-in person a page is rendered for.
type viewer struct {
	UserID   uuid.UUID
	TenantID uuid.UUID
	Role     store.Role
	User     *store.User
	Tenant   *store.Tenant
	// Tenants are every tenant the person belongs to, for the switcher.
	Tenants []store.UserMembership
	token   string
}

// IsAdmin reports whether the viewer administers the current tenant.
func (v *viewer) IsAdmin() bool { return v != nil && v.Role == store.RoleAdmin }

// appHandler is a page handler for a signed-in person; a returned error
// becomes an error page (404 for store.ErrNotFound, and so on).
type appHandler func(w http.ResponseWriter, r *http.Request, v *viewer) error

// auth resolves the session cookie into a viewer. Without a valid session a
// GET is sent to the login page (and back afterwards); with adminOnly a
// member gets a 403 page.
func (u *UI) auth(adminOnly bool, h appHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := u.viewer(r)
		if err != nil {
			if !errors.Is(err, errNoSession) {
				u.log.Error("session lookup failed", "error", err)
			}
			u.clearSessionCookie(w)
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

var errNoSession = errors.New("no valid session")

func (u *UI) viewer(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, errNoSession
	}
	ctx := r.Context()
	sess, err := u.store.LookupSession(ctx, c.Value)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExpired) || store.IsAuthError(err) {
			return nil, errNoSession
		}
		return nil, err
	}
	v := &viewer{UserID: sess.UserID, TenantID: sess.TenantID, Role: sess.Role, token: c.Value}
	if v.User, err = u.store.GetUser(ctx, sess.TenantID, sess.UserID); err != nil {
		return nil, err
	}
	if v.Tenant, err = u.store.GetTenant(ctx, sess.TenantID); err != nil {
		return nil, err
	}
	if v.Tenants, err = u.store.UserMemberships(ctx, sess.UserID); err != nil {
		return nil, err
	}
	return v, nil
}

// setSessionCookie sets the cookie exactly as the API server does:
// HttpOnly, SameSite=Lax, Path=/, the session's life as MaxAge (7 days),
// Secure when PublicURL is https.
func (u *UI) setSessionCookie(w http.ResponseWriter, sess *store.Session) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    sess.Token,
		Path:     "/",
		MaxAge:   int(sess.ExpiresAt.Sub(sess.CreatedAt).Round(time.Second).Seconds()),
		HttpOnly: true,
		Secure:   u.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (u *UI) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode})
}

// startSession logs user into tenant and sets the cookie.
func (u *UI) startSession(ctx context.Context, w http.ResponseWriter, user, tenant uuid.UUID) error {
	sess, err := u.store.CreateSession(ctx, user, tenant)
	if err != nil {
		return err
	}
	u.setSessionCookie(w, sess)
	return nil
}

// safeNext keeps a post-login redirect on this site: a path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/projects"
	}
	return next
}
