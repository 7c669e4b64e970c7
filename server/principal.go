package server

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// Principal is who makes a request: a person through a session cookie or
// a machine through an API key, acting in one tenant with one role.
type Principal struct {
	TenantID uuid.UUID
	Role     store.Role
	// UserID is set for people (sessions); KeyID for API keys.
	UserID *uuid.UUID
	KeyID  *uuid.UUID
	// KeyName is the API key's name, for logs.
	KeyName string
	// Session is the presented session cookie value when the request
	// came with one, so logout can end it.
	Session string
}

// ViaSession reports whether the principal authenticated with a cookie,
// the case that needs cross-origin protection.
func (p *Principal) ViaSession() bool { return p.UserID != nil }

// IsAdmin reports whether the principal may manage keys, members, secrets,
// webhooks and integrations.
func (p *Principal) IsAdmin() bool { return p.Role == store.RoleAdmin }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated principal of a request's
// context; ok is false on public routes and unauthenticated requests.
func PrincipalFrom(ctx context.Context) (p *Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// principal is PrincipalFrom for handlers behind authentication, where a
// principal is always present.
func principal(r *http.Request) *Principal {
	p, _ := PrincipalFrom(r.Context())
	return p
}
