package migrations

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// lockID serialises migrations across processes (pg_advisory_lock).
const lockID = 0x61726775_73 // "argus"

// Migrator applies Argus's and River's migrations to one database.
type Migrator struct {
	pool       *pgxpool.Pool
	logger     *slog.Logger
	migrations []Migration
	river      *rivermigrate.Migrator[pgx.Tx]
}

// Status describes what is applied.
type Status struct {
	Current  int // highest applied Argus migration, 0 for none
	Latest   int // highest embedded Argus migration
	Applied  []AppliedMigration
	Pending  []Migration
	RiverCur int // highest applied River migration
	RiverMax int // highest River migration this binary knows
}

// AppliedMigration is one row of argus_schema_migrations.
type AppliedMigration struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// New returns a Migrator for the database behind pool.
func New(pool *pgxpool.Pool, logger *slog.Logger) (*Migrator, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	all, err := All()
	if err != nil {
		return nil, err
	}
	river, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	return &Migrator{pool: pool, logger: logger, migrations: all, river: river}, nil
}

const createTable = `CREATE TABLE IF NOT EXISTS argus_schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// Up applies River's migrations and then every pending Argus migration,
// and grants the application role its table privileges. Running it again
// changes nothing.
func (m *Migrator) Up(ctx context.Context) (applied []Migration, err error) {
	unlock, err := m.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := m.riverMigrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, err
	}
	for _, mig := range m.migrations {
		done, err := m.apply(ctx, mig, true)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, mig)
			m.logger.Info("applied migration", "version", mig.Version, "name", mig.Name)
		}
	}
	if err := m.grant(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// Down rolls back the newest steps Argus migrations. With steps < 0 it
// rolls back every Argus migration and then River's tables too, leaving an
// empty database.
func (m *Migrator) Down(ctx context.Context, steps int) (reverted []Migration, err error) {
	unlock, err := m.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	for i := len(m.migrations) - 1; i >= 0 && (steps < 0 || len(reverted) < steps); i-- {
		mig := m.migrations[i]
		done, err := m.apply(ctx, mig, false)
		if err != nil {
			return reverted, err
		}
		if done {
			reverted = append(reverted, mig)
			m.logger.Info("reverted migration", "version", mig.Version, "name", mig.Name)
		}
	}
	if steps < 0 {
		if err := m.riverMigrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
			return reverted, err
		}
		if _, err := m.pool.Exec(ctx, `DROP TABLE IF EXISTS argus_schema_migrations`); err != nil {
			return reverted, fmt.Errorf("drop migrations table: %w", err)
		}
	}
	return reverted, nil
}

// riverMigrate runs River's migrations. River applies each in its own
// transaction (some add enum values, which cannot be used in the
// transaction that adds them), so they cannot share ours.
func (m *Migrator) riverMigrate(ctx context.Context, dir rivermigrate.Direction, opts *rivermigrate.MigrateOpts) error {
	res, err := m.river.Migrate(ctx, dir, opts)
	if err != nil {
		return fmt.Errorf("river migrations %s: %w", dir, err)
	}
	for _, v := range res.Versions {
		m.logger.Info("River migration", "direction", dir, "version", v.Version, "name", v.Name)
	}
	return nil
}

// lock holds a session-level advisory lock until the returned function is
// called, so concurrent `migrate` commands queue instead of colliding.
func (m *Migrator) lock(ctx context.Context) (unlock func(), err error) {
	conn, err := m.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire connection: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(lockID)); err != nil {
		conn.Release()
		return nil, fmt.Errorf("take migration lock: %w", err)
	}
	return func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(lockID))
		conn.Release()
	}, nil
}

// apply runs one migration in a transaction if it is not already in the
// wanted state, reporting whether it ran.
func (m *Migrator) apply(ctx context.Context, mig Migration, up bool) (bool, error) {
	ran := false
	err := pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, createTable); err != nil {
			return err
		}
		var applied bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM argus_schema_migrations WHERE version = $1)`, mig.Version).Scan(&applied); err != nil {
			return err
		}
		if applied == up {
			return nil
		}
		body, record := mig.Up, `INSERT INTO argus_schema_migrations (version, name) VALUES ($1, $2)`
		if !up {
			body, record = mig.Down, `DELETE FROM argus_schema_migrations WHERE version = $1 AND name = $2`
		}
		if _, err := tx.Exec(ctx, body); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, record, mig.Version, mig.Name); err != nil {
			return err
		}
		ran = true
		return nil
	})
	if err != nil {
		dir := "up"
		if !up {
			dir = "down"
		}
		return false, fmt.Errorf("migration %04d_%s %s: %w", mig.Version, mig.Name, dir, err)
	}
	return ran, nil
}

// grant gives the application role (under which tenant transactions run)
// access to every table, River's included. Row-level security still limits
// the tenant tables; the migrations table stays off limits.
func (m *Migrator) grant(ctx context.Context) error {
	_, err := m.pool.Exec(ctx, `DO $$
BEGIN
	EXECUTE format('GRANT USAGE ON SCHEMA %I TO argus_app', current_schema());
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO argus_app', current_schema());
	EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO argus_app', current_schema());
	REVOKE ALL ON argus_schema_migrations FROM argus_app;
END
$$`)
	if err != nil {
		return fmt.Errorf("grant application role: %w", err)
	}
	return nil
}

// Status reports applied and pending migrations.
func (m *Migrator) Status(ctx context.Context) (*Status, error) {
	st := &Status{}
	if n := len(m.migrations); n > 0 {
		st.Latest = m.migrations[n-1].Version
	}
	var exists bool
	if err := m.pool.QueryRow(ctx, `SELECT to_regclass('argus_schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, err
	}
	done := map[int]bool{}
	if exists {
		rows, err := m.pool.Query(ctx, `SELECT version, name, applied_at FROM argus_schema_migrations ORDER BY version`)
		if err != nil {
			return nil, err
		}
		st.Applied, err = pgx.CollectRows(rows, pgx.RowToStructByPos[AppliedMigration])
		if err != nil {
			return nil, err
		}
		for _, a := range st.Applied {
			done[a.Version] = true
			st.Current = max(st.Current, a.Version)
		}
	}
	for _, mig := range m.migrations {
		if !done[mig.Version] {
			st.Pending = append(st.Pending, mig)
		}
	}
	existing, err := m.river.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("river migration versions: %w", err)
	}
	if len(existing) > 0 {
		st.RiverCur = existing[len(existing)-1].Version
	}
	all := m.river.AllVersions()
	if len(all) > 0 {
		st.RiverMax = all[len(all)-1].Version
	}
	return st, nil
}
