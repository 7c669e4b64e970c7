package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The two shapes most store methods take: one statement in tenant's
// transaction, its row or rows scanned by the table's scan function, the
// error wrapped with the method's operation (so no row is ErrNotFound).

// oneInTenant runs a single-row statement in tenant's transaction and
// scans its row.
func oneInTenant[T any](ctx context.Context, s *Store, tenant uuid.UUID, op string, scan func(pgx.Row) (T, error), sql string, args ...any) (*T, error) {
	var v T
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		v, err = scan(tx.QueryRow(ctx, sql, args...))
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return &v, nil
}

// allInTenant runs a query in tenant's transaction and collects all its
// rows with scan (rowsOf(scanX) or a pgx.RowTo function); no row is an
// empty slice, not nil.
func allInTenant[T any](ctx context.Context, s *Store, tenant uuid.UUID, op string, scan pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	var out []T
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scan)
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// rowsOf makes a single-row scan function collect rows.
func rowsOf[T any](scan func(pgx.Row) (T, error)) pgx.RowToFunc[T] {
	return func(r pgx.CollectableRow) (T, error) { return scan(r) }
}
