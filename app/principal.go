package app

import (
	"context"
	"errors"
	"strings"

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
	// Session is the presented session token when the principal signed in
	// with a cookie, so sign-out and tenant switches can end it.
	Session string
}

// ViaSession reports whether the principal authenticated with a cookie,
// the case that needs cross-origin protection.
func (p *Principal) ViaSession() bool { return p.UserID != nil }

// IsAdmin reports whether the principal may manage keys, members, secrets,
// webhooks, integrations and the tenant itself.
func (p *Principal) IsAdmin() bool { return p.Role == store.RoleAdmin }

// requireAdmin refuses members.
func requireAdmin(p *Principal, what string) error {
	if !p.IsAdmin() {
		return forbidden("only an admin of this tenant may " + what)
	}
	return nil
}

var errUnauthenticated = &Error{Code: CodeUnauthenticated, Detail: "sign in, or send an API key as Authorization: Bearer argus_…"}

// AuthenticateKey finds the principal of a bearer API key.
func (a *App) AuthenticateKey(ctx context.Context, token string) (*Principal, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errUnauthenticated
	}
	k, err := a.keys.get(ctx, token)
	if err != nil {
		return nil, credentialError(err, "API key")
	}
	return &Principal{TenantID: k.TenantID, Role: k.Role, KeyID: &k.ID, KeyName: k.Name}, nil
}

// AuthenticateSession finds the principal of a session token (the
// session cookie's value).
func (a *App) AuthenticateSession(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, errUnauthenticated
	}
	sess, err := a.store.LookupSession(ctx, token)
	if err != nil {
		return nil, credentialError(err, "session")
	}
	return &Principal{TenantID: sess.TenantID, Role: sess.Role, UserID: &sess.UserID, Session: token}, nil
}

// credentialError turns a refused credential into an answer that says why
// (unknown, expired or revoked) without telling whose it was.
func credentialError(err error, what string) error {
	switch {
	case errors.Is(err, store.ErrExpired):
		return &Error{Code: CodeUnauthenticated, Detail: "this " + what + " has expired"}
	case errors.Is(err, store.ErrRevoked):
		return &Error{Code: CodeUnauthenticated, Detail: "this " + what + " was revoked"}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: CodeUnauthenticated, Detail: "unknown " + what + "; sign in again or use a valid key"}
	}
	return err
}

// IsUnauthenticated reports whether err says the credentials were
// missing or refused.
func IsUnauthenticated(err error) bool {
	e, ok := AsError(err)
	return ok && e.Code == CodeUnauthenticated
}
