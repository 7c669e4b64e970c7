package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// SessionCookie is the name of the cookie that carries a person's session,
// read by the API and the UI alike.
const SessionCookie = "argus_session"

// SignInInput is a sign-in attempt.
type SignInInput struct {
	Email, Password string
	// Tenant is a tenant's slug or id; empty picks the person's first
	// tenant by name.
	Tenant string
	// ClientIP is the peer address, for the attempt limit.
	ClientIP string
}

// SignedIn is a started session.
type SignedIn struct {
	Session *store.Session
	User    *store.User
	Tenant  *store.Tenant
	Role    store.Role
}

// SignIn checks a person's password and starts a session in one of their
// tenants. Failed attempts are limited per client address and email, the
// same count for every front end; Retry-After comes from the window.
func (a *App) SignIn(ctx context.Context, in SignInInput) (*SignedIn, error) {
	in.Email = strings.TrimSpace(in.Email)
	var fields []FieldError
	if in.Email == "" {
		fields = append(fields, FieldError{"email", "required"})
	}
	if in.Password == "" {
		fields = append(fields, FieldError{"password", "required"})
	}
	if len(fields) > 0 {
		return nil, invalid("email and password are required", fields...)
	}
	key := limitKey("login", in.ClientIP, in.Email)
	if ok, retry := a.logins.check(key); !ok {
		return nil, tooMany("too many failed sign-ins for this account from your address; try again later or reset your password", retry)
	}
	refused := &Error{Code: CodeUnauthenticated, Detail: "wrong email or password"}
	u, err := a.store.Authenticate(ctx, in.Email, in.Password)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		a.logins.count(key)
		return nil, refused
	} else if err != nil {
		return nil, err
	}
	ms, err := a.store.UserMemberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, &Error{Code: CodeForbidden, Detail: "your account is not a member of any tenant; ask an admin to add you"}
	}
	ref := strings.TrimSpace(in.Tenant)
	var chosen *store.UserMembership
	for i := range ms {
		if ref == "" || strings.EqualFold(ref, ms[i].Tenant.Slug) || ref == ms[i].Tenant.ID.String() {
			chosen = &ms[i]
			break
		}
	}
	if chosen == nil {
		// Refused like a wrong password, so tenants cannot be discovered.
		a.logins.count(key)
		return nil, &Error{Code: CodeUnauthenticated, Detail: "wrong email or password, or no access to that tenant"}
	}
	sess, err := a.store.CreateSession(ctx, u.ID, chosen.Tenant.ID)
	if err != nil {
		return nil, err
	}
	a.logins.reset(key)
	return &SignedIn{Session: sess, User: u, Tenant: &chosen.Tenant, Role: chosen.Role}, nil
}

// SignOut ends a session; an unknown token is no error, so a stale cookie
// can always be cleared.
func (a *App) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return a.store.DeleteSession(ctx, token)
}

// SwitchTenant moves a person to another of their tenants: a new session
// bound to that tenant replaces the current one.
func (a *App) SwitchTenant(ctx context.Context, p *Principal, tenant uuid.UUID) (*store.Session, error) {
	if p.UserID == nil {
		return nil, forbidden("only a signed-in person can switch tenants")
	}
	ms, err := a.store.UserMemberships(ctx, *p.UserID)
	if err != nil {
		return nil, err
	}
	found := false
	for _, m := range ms {
		found = found || m.Tenant.ID == tenant
	}
	if !found {
		return nil, notFound("you are not a member of that tenant")
	}
	sess, err := a.store.CreateSession(ctx, *p.UserID, tenant)
	if err != nil {
		return nil, err
	}
	if err := a.store.DeleteSession(ctx, p.Session); err != nil {
		return nil, err
	}
	return sess, nil
}

// SessionCookie is the cookie for sess as the trust-center spec lists it:
// HttpOnly, SameSite=Lax, Path=/, the session's life as MaxAge (7 days),
// Secure when PublicURL is https.
func (a *App) SessionCookie(sess *store.Session) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookie,
		Value:    sess.Token,
		Path:     "/",
		MaxAge:   int(sess.ExpiresAt.Sub(sess.CreatedAt).Round(time.Second).Seconds()),
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// ClearSessionCookie is the cookie that removes the session cookie.
func (a *App) ClearSessionCookie() *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode}
}

// Viewer is a signed-in person with what every page shows of them.
type Viewer struct {
	Principal *Principal
	User      *store.User
	Tenant    *store.Tenant
	// Tenants are every tenant the person belongs to, for the switcher.
	Tenants []store.UserMembership
}

// Viewer loads the person behind a session principal.
func (a *App) Viewer(ctx context.Context, p *Principal) (*Viewer, error) {
	if p.UserID == nil {
		return nil, errUnauthenticated
	}
	v := &Viewer{Principal: p}
	var err error
	if v.User, err = a.store.GetUser(ctx, p.TenantID, *p.UserID); err != nil {
		return nil, err
	}
	if v.Tenant, err = a.store.GetTenant(ctx, p.TenantID); err != nil {
		return nil, err
	}
	if v.Tenants, err = a.store.UserMemberships(ctx, *p.UserID); err != nil {
		return nil, err
	}
	return v, nil
}

// Me says who the caller is: the person or key, the tenant and the role.
type Me struct {
	User   *store.User
	Tenant *store.Tenant
	Role   store.Role
	KeyID  *uuid.UUID
	Key    string
}

// Me loads what the caller is.
func (a *App) Me(ctx context.Context, p *Principal) (*Me, error) {
	t, err := a.store.GetTenant(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	m := &Me{Tenant: t, Role: p.Role, KeyID: p.KeyID, Key: p.KeyName}
	if p.UserID != nil {
		if m.User, err = a.store.GetUser(ctx, p.TenantID, *p.UserID); err != nil {
			return nil, err
		}
	}
	return m, nil
}
