package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/seal"
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

// oneStructInTenant is oneInTenant for a statement whose one row fills a
// T's fields by position; more than one row is an error.
func oneStructInTenant[T any](ctx context.Context, s *Store, tenant uuid.UUID, op string, sql string, args ...any) (*T, error) {
	var v T
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		v, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[T])
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

// openInTenant reads one sealed value, the ciphertext, nonce and key id a
// single-row query selects in that order, and opens it with aad. A row
// whose key id is NULL holds none: ErrNotFound, saying so with missing.
func (s *Store) openInTenant(ctx context.Context, tenant uuid.UUID, op, missing string, aad []byte, sql string, args ...any) (string, error) {
	kr, err := s.keyring()
	if err != nil {
		return "", err
	}
	var sealed seal.Sealed
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		var keyID *string
		if err := tx.QueryRow(ctx, sql, args...).Scan(&sealed.Ciphertext, &sealed.Nonce, &keyID); err != nil {
			return err
		}
		if keyID == nil {
			return fmt.Errorf("%s: %w", missing, ErrNotFound)
		}
		sealed.KeyID = *keyID
		return nil
	})
	if err != nil {
		return "", wrap(op, err)
	}
	plain, err := kr.Open(sealed, aad)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	return string(plain), nil
}
