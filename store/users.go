package store

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// User is a person. People are global: one person may belong to several
// tenants through memberships.
type User struct {
	ID          uuid.UUID
	Email       string
	Name        string
	CreatedAt   time.Time
	LastLoginAt *time.Time
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// MaxPasswordLength keeps passwords within bcrypt's 72-byte input.
const MaxPasswordLength = 72

func validatePassword(pw string) error {
	if len(pw) < MinPasswordLength || len(pw) > MaxPasswordLength {
		return invalidf("", "password", "password must be %d to %d bytes long", MinPasswordLength, MaxPasswordLength)
	}
	return nil
}

func normaliseEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return "", invalidf("", "email", "%q is not an email address like name@example.com", email)
	}
	return email, nil
}

// CreateUser creates an account. The password is hashed inside PostgreSQL
// with pgcrypto's bcrypt and never leaves it.
func (s *Store) CreateUser(ctx context.Context, email, name, password string) (*User, error) {
	email, err := normaliseEmail(email)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if err := validatePassword(password); err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	u := &User{ID: newID(), Email: email, Name: strings.TrimSpace(name)}
	err = s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			INSERT INTO users (id, email, name, password_hash)
			VALUES ($1, $2, $3, crypt($4, gen_salt('bf', $5)))
			RETURNING created_at`, u.ID, u.Email, u.Name, password, s.cfg.BcryptCost).Scan(&u.CreatedAt)
	})
	if err != nil {
		return nil, wrap("create user", err)
	}
	return u, nil
}

// HasUsers reports whether any account exists: argus serve creates the
// first administrator of an embedded database when none does.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var found bool
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&found)
	})
	if err != nil {
		return false, wrap("look for users", err)
	}
	return found, nil
}

// FindUserByEmail looks up an account across tenants, for login, invites
// and administrative commands.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, email::text, name, created_at, last_login_at FROM users WHERE email = $1`,
			strings.TrimSpace(email)).Scan(&u.ID, &u.Email, &u.Name, &u.CreatedAt, &u.LastLoginAt)
	})
	if err != nil {
		return nil, wrap("find user", err)
	}
	return &u, nil
}

// GetUser returns a member of tenant.
func (s *Store) GetUser(ctx context.Context, tenant, user uuid.UUID) (*User, error) {
	var u User
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			SELECT u.id, u.email::text, u.name, u.created_at, u.last_login_at
			FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE m.tenant_id = $1 AND u.id = $2`, tenant, user).
			Scan(&u.ID, &u.Email, &u.Name, &u.CreatedAt, &u.LastLoginAt)
	})
	if err != nil {
		return nil, wrap("get user", err)
	}
	return &u, nil
}

// Authenticate checks email and password. It returns ErrNotFound for an
// unknown email and a wrong password alike, and costs one bcrypt either
// way, so response time does not tell whether an account exists.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var (
		id               *uuid.UUID
		computed, stored string
		u                User
	)
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			SELECT u.id, coalesce(u.email::text, ''), coalesce(u.name, ''), coalesce(u.created_at, now()),
			       crypt($2, coalesce(u.password_hash, $3)), coalesce(u.password_hash, $3)
			FROM (SELECT 1) AS one
			LEFT JOIN users u ON u.email = $1`, strings.TrimSpace(email), password, s.dummyHash).
			Scan(&id, &u.Email, &u.Name, &u.CreatedAt, &computed, &stored)
	})
	if err != nil {
		return nil, wrap("authenticate", err)
	}
	match := subtle.ConstantTimeCompare([]byte(computed), []byte(stored)) == 1
	if id == nil || !match {
		return nil, fmt.Errorf("authenticate: %w: unknown email or wrong password", ErrNotFound)
	}
	u.ID = *id
	if err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1 RETURNING last_login_at`, u.ID).Scan(&u.LastLoginAt)
	}); err != nil {
		return nil, wrap("record login", err)
	}
	return &u, nil
}

// SetPassword replaces user's password.
func (s *Store) SetPassword(ctx context.Context, user uuid.UUID, password string) error {
	if err := validatePassword(password); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return s.inSystem(ctx, func(tx pgx.Tx) error {
		return setPassword(ctx, tx, user, password, s.cfg.BcryptCost)
	})
}

func setPassword(ctx context.Context, tx pgx.Tx, user uuid.UUID, password string, cost int) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = crypt($2, gen_salt('bf', $3)), updated_at = now() WHERE id = $1`,
		user, password, cost)
	return exactlyOne("set password", tag, err)
}
