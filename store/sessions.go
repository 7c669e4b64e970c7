package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/token"
)

// Session is a person's login, bound to the tenant they chose.
type Session struct {
	UserID    uuid.UUID
	TenantID  uuid.UUID
	Role      Role
	CreatedAt time.Time
	ExpiresAt time.Time

	// Token is the cookie value, returned once by CreateSession; only its
	// SHA-256 hash is stored.
	Token string
}

// CreateSession logs user into tenant for Config.SessionTTL (7 days).
func (s *Store) CreateSession(ctx context.Context, user, tenant uuid.UUID) (*Session, error) {
	tok, err := token.NewOpaque()
	if err != nil {
		return nil, err
	}
	sess := &Session{UserID: user, TenantID: tenant, Token: tok.Plaintext}
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2`, tenant, user).Scan(&sess.Role); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `
			INSERT INTO user_sessions (token_hash, user_id, tenant_id, expires_at)
			VALUES ($1, $2, $3, now() + $4::interval) RETURNING created_at, expires_at`,
			tok.Hash, user, tenant, s.cfg.SessionTTL).Scan(&sess.CreatedAt, &sess.ExpiresAt)
	})
	if err != nil {
		return nil, wrap("create session", err)
	}
	return sess, nil
}

// LookupSession finds the session for a presented cookie value, across
// tenants, by hash. Unknown, expired and ended sessions, and sessions whose
// person is no longer a member, give ErrNotFound or ErrExpired.
func (s *Store) LookupSession(ctx context.Context, presented string) (*Session, error) {
	hash, err := token.ParseOpaque(presented)
	if err != nil {
		return nil, fmt.Errorf("session: %w", ErrNotFound)
	}
	var sess Session
	err = s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			SELECT s.user_id, s.tenant_id, m.role, s.created_at, s.expires_at
			FROM user_sessions s
			JOIN memberships m ON m.tenant_id = s.tenant_id AND m.user_id = s.user_id
			WHERE s.token_hash = $1`, hash).Scan(&sess.UserID, &sess.TenantID, &sess.Role, &sess.CreatedAt, &sess.ExpiresAt)
	})
	if err != nil {
		return nil, wrap("session", err)
	}
	if !sess.ExpiresAt.After(time.Now()) {
		return nil, &Error{Op: "session", Kind: ErrExpired, Detail: "the session has expired; sign in again"}
	}
	return &sess, nil
}

// DeleteSession ends the session for a presented cookie value (logout).
// Ending an unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, presented string) error {
	hash, err := token.ParseOpaque(presented)
	if err != nil {
		return nil
	}
	return s.inSystem(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE token_hash = $1`, hash)
		return wrap("delete session", err)
	})
}

// CreateResetToken makes a password-reset token for user, valid for
// Config.ResetTokenTTL (1 day). The plaintext goes into the mail; only its
// hash is stored.
func (s *Store) CreateResetToken(ctx context.Context, user uuid.UUID) (string, error) {
	tok, err := token.NewOpaque()
	if err != nil {
		return "", err
	}
	err = s.inSystem(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO password_reset_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)`,
			tok.Hash, user, s.cfg.ResetTokenTTL)
		return err
	})
	if err != nil {
		return "", wrap("create reset token", err)
	}
	return tok.Plaintext, nil
}

// ResetPassword consumes a reset token and sets the new password, ending
// all of the person's sessions. A token works once.
func (s *Store) ResetPassword(ctx context.Context, presented, newPassword string) (uuid.UUID, error) {
	if err := validatePassword(newPassword); err != nil {
		return uuid.Nil, fmt.Errorf("reset password: %w", err)
	}
	hash, err := token.ParseOpaque(presented)
	if err != nil {
		return uuid.Nil, fmt.Errorf("reset token: %w", ErrNotFound)
	}
	var user uuid.UUID
	err = s.inSystem(ctx, func(tx pgx.Tx) error {
		var expires time.Time
		var consumed *time.Time
		if err := tx.QueryRow(ctx, `SELECT user_id, expires_at, consumed_at FROM password_reset_tokens WHERE token_hash = $1 FOR UPDATE`, hash).
			Scan(&user, &expires, &consumed); err != nil {
			return err
		}
		if consumed != nil {
			return &Error{Op: "reset password", Kind: ErrExpired, Field: "token", Detail: "this reset link was already used; ask for a new one"}
		}
		if !expires.After(time.Now()) {
			return &Error{Op: "reset password", Kind: ErrExpired, Field: "token", Detail: "this reset link has expired; ask for a new one"}
		}
		if _, err := tx.Exec(ctx, `UPDATE password_reset_tokens SET consumed_at = now() WHERE token_hash = $1`, hash); err != nil {
			return err
		}
		if err := setPassword(ctx, tx, user, newPassword, s.cfg.BcryptCost); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, user)
		return err
	})
	if err != nil {
		return uuid.Nil, wrap("reset password", err)
	}
	return user, nil
}

// OAuthState is a pending OAuth authorisation for an integration.
type OAuthState struct {
	TenantID uuid.UUID
	// ProjectID is the project whose integration the sign-in connects.
	ProjectID   *uuid.UUID
	UserID      *uuid.UUID
	Provider    string
	RedirectURL string
	ExpiresAt   time.Time
}

// CreateOAuthState records a pending authorisation, valid for
// Config.OAuthStateTTL (10 minutes), and returns the state parameter.
func (s *Store) CreateOAuthState(ctx context.Context, tenant uuid.UUID, st OAuthState) (string, error) {
	tok, err := token.NewOpaque()
	if err != nil {
		return "", err
	}
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO oauth_states (state_hash, tenant_id, project_id, user_id, provider, redirect_url, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, now() + $7::interval)`,
			tok.Hash, tenant, st.ProjectID, st.UserID, st.Provider, st.RedirectURL, s.cfg.OAuthStateTTL)
		return err
	})
	if err != nil {
		return "", wrap("create oauth state", err)
	}
	return tok.Plaintext, nil
}

// ConsumeOAuthState takes a state parameter back from the provider's
// redirect; each state works once and only before it expires.
func (s *Store) ConsumeOAuthState(ctx context.Context, presented string) (*OAuthState, error) {
	hash, err := token.ParseOpaque(presented)
	if err != nil {
		return nil, fmt.Errorf("oauth state: %w", ErrNotFound)
	}
	var st OAuthState
	err = s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			DELETE FROM oauth_states WHERE state_hash = $1
			RETURNING tenant_id, project_id, user_id, provider, redirect_url, expires_at`, hash).
			Scan(&st.TenantID, &st.ProjectID, &st.UserID, &st.Provider, &st.RedirectURL, &st.ExpiresAt)
	})
	if err != nil {
		return nil, wrap("oauth state", err)
	}
	if !st.ExpiresAt.After(time.Now()) {
		return nil, &Error{Op: "oauth state", Kind: ErrExpired, Field: "state", Detail: "the sign-in with the provider took too long; start again"}
	}
	return &st, nil
}

// PurgeCounts reports how many expired rows a purge removed.
type PurgeCounts struct {
	Sessions, ResetTokens, OAuthStates int64
}

// PurgeExpired deletes expired sessions, reset tokens and OAuth states in
// every tenant. Periodic maintenance; see the retention table in the docs.
func (s *Store) PurgeExpired(ctx context.Context) (PurgeCounts, error) {
	var c PurgeCounts
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		for _, q := range []struct {
			sql string
			n   *int64
		}{
			{`DELETE FROM user_sessions WHERE expires_at <= now()`, &c.Sessions},
			{`DELETE FROM password_reset_tokens WHERE expires_at <= now()`, &c.ResetTokens},
			{`DELETE FROM oauth_states WHERE expires_at <= now()`, &c.OAuthStates},
		} {
			tag, err := tx.Exec(ctx, q.sql)
			if err != nil {
				return err
			}
			*q.n = tag.RowsAffected()
		}
		return nil
	})
	return c, wrap("purge expired", err)
}
