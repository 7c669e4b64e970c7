// Package store is Argus's data access layer on PostgreSQL.
//
// Every tenant-scoped function takes the tenant id and filters by it, and
// runs in a transaction that switches to the application role argus_app
// with the tenant set by SET LOCAL, so row-level security backs up the
// explicit filter: a query that forgets it still sees only the current
// tenant's rows. Functions that must work across tenants before a tenant is
// known (looking up an API key or session by hash, purging expired rows)
// run as the connection's own role and say so in their documentation.
//
// Credentials are sealed with AES-256-GCM before they reach the database
// and opened only by the functions whose names say they return plaintext.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/seal"
)

// Config configures a Store. Durations default to the retention periods in
// the trust-center spec.
type Config struct {
	// Keyring seals and opens stored credentials. Without one, functions
	// that handle secrets return ErrNoKeyring; the rest work, which is
	// enough for migrations and administrative commands.
	Keyring *seal.Keyring

	// Logger receives diagnostics. Default: discard.
	Logger *slog.Logger

	// BcryptCost is the pgcrypto bcrypt cost for passwords
	// (crypt(pw, gen_salt('bf', cost))). Default 10; tests may lower it.
	BcryptCost int

	// SessionTTL is how long a login session lasts. Default 7 days.
	SessionTTL time.Duration

	// ResetTokenTTL is how long a password-reset token is valid. Default 1 day.
	ResetTokenTTL time.Duration

	// OAuthStateTTL is how long an OAuth state is valid. Default 10 minutes.
	OAuthStateTTL time.Duration

	// APIKeyTouchInterval limits how often last_used_at of an API key is
	// written, so a busy CI key does not cost a write per request.
	// Default 1 minute.
	APIKeyTouchInterval time.Duration
}

// Default retention periods, from the trust-center spec.
const (
	DefaultSessionTTL    = 7 * 24 * time.Hour
	DefaultResetTokenTTL = 24 * time.Hour
	DefaultOAuthStateTTL = 10 * time.Minute
	DefaultBcryptCost    = 10
)

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BcryptCost == 0 {
		c.BcryptCost = DefaultBcryptCost
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.ResetTokenTTL == 0 {
		c.ResetTokenTTL = DefaultResetTokenTTL
	}
	if c.OAuthStateTTL == 0 {
		c.OAuthStateTTL = DefaultOAuthStateTTL
	}
	if c.APIKeyTouchInterval == 0 {
		c.APIKeyTouchInterval = time.Minute
	}
	return c
}

func (c Config) validate() error {
	if c.BcryptCost < 4 || c.BcryptCost > 15 {
		return fmt.Errorf("store: BcryptCost %d out of range 4..15", c.BcryptCost)
	}
	for name, d := range map[string]time.Duration{"SessionTTL": c.SessionTTL, "ResetTokenTTL": c.ResetTokenTTL, "OAuthStateTTL": c.OAuthStateTTL} {
		if d < time.Second {
			return fmt.Errorf("store: %s %v is shorter than a second", name, d)
		}
	}
	return nil
}

// Store reads and writes Argus's data. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	cfg  Config
	// withoutRLS makes InTenant skip the role switch, so tests can prove
	// the explicit tenant filters hold on their own. Never set outside tests.
	withoutRLS bool
	// dummyHash is a bcrypt hash at the configured cost that no password
	// matches; checking a password for an unknown user costs the same as
	// for a known one.
	dummyHash string
}

// New returns a Store using pool.
func New(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Store, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Store{pool: pool, cfg: cfg}
	err := pool.QueryRow(ctx, `SELECT crypt(gen_random_uuid()::text, gen_salt('bf', $1))`, cfg.BcryptCost).Scan(&s.dummyHash)
	if err != nil {
		return nil, fmt.Errorf("store: prepare password check (is the database migrated? run `argus migrate up`): %w", err)
	}
	return s, nil
}

// Pool is the underlying connection pool, for River and health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// InTenant runs fn in a transaction bound to tenant: it runs as the
// application role with row-level security on, so fn sees and can change
// only tenant's rows even where its queries forget the tenant filter.
func (s *Store) InTenant(ctx context.Context, tenant uuid.UUID, fn func(tx pgx.Tx) error) error {
	return s.inTenant(ctx, tenant, pgx.TxOptions{}, fn)
}

// readInTenant is InTenant for reads of several statements that must agree
// with each other: one read-only snapshot for the whole transaction, so a
// row that changes between two statements is seen the same way by both
// (under READ COMMITTED an agent finishing in between is neither running
// in one statement nor finished in the other).
func (s *Store) readInTenant(ctx context.Context, tenant uuid.UUID, fn func(tx pgx.Tx) error) error {
	return s.inTenant(ctx, tenant, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

func (s *Store) inTenant(ctx context.Context, tenant uuid.UUID, opts pgx.TxOptions, fn func(tx pgx.Tx) error) error {
	if tenant == uuid.Nil {
		return fmt.Errorf("%w: no tenant given", ErrNotFound)
	}
	return pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		if s.withoutRLS {
			return fn(tx)
		}
		// One round trip: set_config('role', …, true) is SET LOCAL ROLE.
		if _, err := tx.Exec(ctx, `SELECT set_config('role', 'argus_app', true), set_config('argus.tenant_id', $1, true)`, tenant.String()); err != nil {
			return fmt.Errorf("enter tenant: %w", err)
		}
		return fn(tx)
	})
}

// inSystem runs fn in a transaction as the connection's own role, which
// row-level security does not restrict. Only for lookups by secret hash
// and maintenance that must span tenants.
func (s *Store) inSystem(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// keyring returns the keyring or ErrNoKeyring.
func (s *Store) keyring() (*seal.Keyring, error) {
	if s.cfg.Keyring == nil {
		return nil, ErrNoKeyring
	}
	return s.cfg.Keyring, nil
}

// wrap turns driver errors into the store's errors, keeping the cause.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			field, detail := uniqueViolation(pgErr.ConstraintName)
			return &Error{Op: what, Kind: ErrConflict, Field: field, Detail: detail}
		case "23503":
			return fmt.Errorf("%s: %w: a referenced row does not exist in this tenant", what, ErrNotFound)
		case "23514", "22P02", "22001", "23502":
			return &Error{Op: what, Kind: ErrInvalid, Field: pgErr.ColumnName, Detail: pgErr.Message}
		case "42501":
			// Row-level security refused a write: the row belongs to
			// another tenant, which must look like a missing row.
			return fmt.Errorf("%s: %w", what, ErrNotFound)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// uniqueViolation names the field and the sentence for a unique
// constraint, by PostgreSQL's default constraint names.
func uniqueViolation(constraint string) (field, detail string) {
	switch constraint {
	case "tenants_slug_key":
		return "slug", "another tenant has this slug"
	case "users_email_key":
		return "email", "an account with this email already exists"
	case "projects_tenant_id_name_key":
		return "name", "another project has this name"
	case "secrets_project_id_name_key":
		return "name", "this project already has a secret of this name"
	case "personas_project_id_name_key":
		return "name", "this project already has a persona of this name"
	case "tests_project_id_name_key":
		return "name", "this project already has a test of this name"
	case "schedules_tenant_id_project_id_name_key":
		return "name", "this project already has a schedule of this name"
	case "runs_tenant_id_idempotency_key_key":
		return "Idempotency-Key", "this Idempotency-Key was already used"
	case "memberships_pkey":
		return "email", "this person is already a member"
	}
	return "", "already exists (" + constraint + ")"
}

// exactlyOne reports ErrNotFound when a write touched no row.
func exactlyOne(what string, tag pgconn.CommandTag, err error) error {
	if err != nil {
		return wrap(what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }
