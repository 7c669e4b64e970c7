package store

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/pgtest"
)

// TestReadRowInTenantLeavesNoAbortedConnection: a failing one-round-trip
// read must not hand an aborted transaction to the next user of its pooled
// connection, and row-level security applies inside it.
func TestReadRowInTenantLeavesNoAbortedConnection(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, pgtest.Migrated(t), Config{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateTenant(ctx, "A", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateTenant(ctx, "B", "")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 * int(s.pool.Config().MaxConns) {
		var n int
		err := s.readRowInTenant(ctx, a.ID, func(r pgx.Row) error { return r.Scan(&n) }, `SELECT 1/0`)
		if err == nil {
			t.Fatal("division by zero did not fail")
		}
		var slug string
		if err := s.readRowInTenant(ctx, a.ID, func(r pgx.Row) error { return r.Scan(&slug) }, `SELECT slug FROM tenants WHERE id = $1`, a.ID); err != nil || slug != a.Slug {
			t.Fatalf("read after a failed read: %q, %v", slug, err)
		}
	}
	// Row-level security: without the explicit filter, tenant B's
	// transaction still sees only B's row.
	var ids []uuid.UUID
	err = s.readRowInTenant(ctx, b.ID, func(r pgx.Row) error {
		var id uuid.UUID
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	}, `SELECT id FROM tenants WHERE id = $1`, a.ID)
	if !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("tenant B read tenant A's row through RLS: %v %v", ids, err)
	}
	if err := s.readRowInTenant(ctx, uuid.Nil, func(pgx.Row) error { return nil }, `SELECT 1`); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no tenant: %v", err)
	}
}
