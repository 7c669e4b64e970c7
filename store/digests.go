package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// DigestDue is a digest that may be due: a firing of a per-firing
// schedule whose run has finished (or that started none) and whose digest
// has not gone out, or a schedule with a daily digest (FiringID nil), whose
// day the caller checks in the schedule's time zone.
type DigestDue struct {
	TenantID, ScheduleID uuid.UUID
	FiringID             *uuid.UUID
}

// DueDigests lists digests that may be due, across tenants: the scan of
// the digest job, which then works each tenant-scoped.
func (s *Store) DueDigests(ctx context.Context, limit int) ([]DigestDue, error) {
	var out []DigestDue
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			(SELECT f.tenant_id, f.schedule_id, f.id FROM schedule_firings f
			 JOIN schedules sc ON sc.tenant_id = f.tenant_id AND sc.id = f.schedule_id
			 LEFT JOIN runs r ON r.tenant_id = f.tenant_id AND r.id = f.run_id
			 WHERE sc.digest = 'firing' AND cardinality(sc.digest_to) > 0 AND f.digest_sent_at IS NULL
			   AND (f.run_id IS NULL OR r.finished_at IS NOT NULL)
			 ORDER BY f.due_at LIMIT $1)
			UNION ALL
			(SELECT tenant_id, id, NULL FROM schedules WHERE digest = 'daily' AND cardinality(digest_to) > 0
			 ORDER BY digest_from NULLS FIRST, id LIMIT $1)`, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DigestDue, error) {
			var x DigestDue
			return x, r.Scan(&x.TenantID, &x.ScheduleID, &x.FiringID)
		})
		return err
	})
	if err != nil {
		return nil, wrap("due digests", err)
	}
	return out, nil
}

// ClaimFiringDigest marks a firing's digest as sent, once: false when
// another worker claimed it first. A digest that then fails to go out is
// handed back with ReleaseFiringDigest.
func (s *Store) ClaimFiringDigest(ctx context.Context, tenant, firing uuid.UUID) (bool, error) {
	var n int64
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE schedule_firings SET digest_sent_at = now()
			WHERE tenant_id = $1 AND id = $2 AND digest_sent_at IS NULL`, tenant, firing)
		n = tag.RowsAffected()
		return err
	})
	return n == 1, wrap("claim firing digest", err)
}

// ReleaseFiringDigest hands a claimed firing digest back, to be sent again.
func (s *Store) ReleaseFiringDigest(ctx context.Context, tenant, firing uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE schedule_firings SET digest_sent_at = NULL WHERE tenant_id = $1 AND id = $2`, tenant, firing)
		return wrap("release firing digest", err)
	})
}

// ClaimDailyDigest moves a daily digest's next day from from (nil before
// the first) to to, once: false when another worker moved it first or the
// schedule changed meanwhile.
func (s *Store) ClaimDailyDigest(ctx context.Context, tenant, schedule uuid.UUID, from *time.Time, to time.Time) (bool, error) {
	var n int64
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE schedules SET digest_from = $4
			WHERE tenant_id = $1 AND id = $2 AND digest = 'daily' AND digest_from IS NOT DISTINCT FROM $3`, tenant, schedule, from, to)
		n = tag.RowsAffected()
		return err
	})
	return n == 1, wrap("claim daily digest", err)
}

// GetFiring returns one of tenant's firings.
func (s *Store) GetFiring(ctx context.Context, tenant, id uuid.UUID) (*Firing, error) {
	return oneInTenant(ctx, s, tenant, "get firing", scanFiring, `SELECT `+firingColumns+` FROM schedule_firings
			WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// FiringsBetween lists a schedule's firings due in [from, to), oldest
// first, at most limit.
func (s *Store) FiringsBetween(ctx context.Context, tenant, schedule uuid.UUID, from, to time.Time, limit int) ([]Firing, error) {
	return allInTenant(ctx, s, tenant, "firings between", rowsOf(scanFiring), `SELECT `+firingColumns+` FROM schedule_firings
			WHERE tenant_id = $1 AND schedule_id = $2 AND due_at >= $3 AND due_at < $4 ORDER BY due_at, id LIMIT $5`,
		tenant, schedule, from, to, limit)
}
