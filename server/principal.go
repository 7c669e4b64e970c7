package server

import (
	"context"
	"net/http"

	"github.com/argusqa/argus/app"
)

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *app.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated principal of a request's
// context; ok is false on public routes and unauthenticated requests.
func PrincipalFrom(ctx context.Context) (p *app.Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(*app.Principal)
	return p, ok && p != nil
}

// principal is PrincipalFrom for handlers behind authentication, where a
// principal is always present.
func principal(r *http.Request) *app.Principal {
	p, _ := PrincipalFrom(r.Context())
	return p
}
