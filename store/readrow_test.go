package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/pgtest"
)

// TestReadRowInTenant checks the one-round-trip read in every pgx query
// mode a DATABASE_URL can choose: the read sees its tenant's row (which
// proves the tenant settings reached the query, since the query is guarded
// to return nothing otherwise), row-level security hides other tenants'
// rows, and a failing read does not disturb the next user of its pooled
// connection.
func TestReadRowInTenant(t *testing.T) {
	base := pgtest.MigratedURL(t)
	for _, mode := range []string{"cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			ctx := t.Context()
			sep := "?"
			if strings.Contains(base, "?") {
				sep = "&"
			}
			pool, err := pgxpool.New(ctx, base+sep+"default_query_exec_mode="+mode+"&pool_max_conns=2")
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			s, err := New(ctx, pool, Config{BcryptCost: 4})
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateTenant(ctx, "A "+mode, "")
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.CreateTenant(ctx, "B "+mode, "")
			if err != nil {
				t.Fatal(err)
			}
			for range 6 {
				var n int
				if err := s.readRowInTenant(ctx, a.ID, func(r pgx.Row) error { return r.Scan(&n) }, `SELECT 1/0`); err == nil {
					t.Fatal("division by zero did not fail")
				}
				var slug string
				if err := s.readRowInTenant(ctx, a.ID, func(r pgx.Row) error { return r.Scan(&slug) }, `SELECT slug FROM tenants WHERE id = $1`, a.ID); err != nil || slug != a.Slug {
					t.Fatalf("read after a failed read: %q, %v", slug, err)
				}
			}
			// Without the explicit filter, tenant B's read still sees
			// only B's row.
			var slugs []string
			err = s.readRowInTenant(ctx, b.ID, func(r pgx.Row) error {
				var slug string
				err := r.Scan(&slug)
				slugs = append(slugs, slug)
				return err
			}, `SELECT slug FROM tenants WHERE id = $1`, a.ID)
			if !errors.Is(err, pgx.ErrNoRows) {
				t.Fatalf("tenant B read tenant A's row: %v %v", slugs, err)
			}
			if err := s.readRowInTenant(ctx, uuid.Nil, func(pgx.Row) error { return nil }, `SELECT 1`); !errors.Is(err, ErrNotFound) {
				t.Fatalf("no tenant: %v", err)
			}
			// And the settings end with the read: the same connection
			// outside a tenant transaction is its own role again.
			var role string
			if err := pool.QueryRow(ctx, `SELECT current_user || '/' || coalesce(current_setting('argus.tenant_id', true), '')`).Scan(&role); err != nil || strings.HasPrefix(role, "argus_app") || strings.Contains(role, a.ID.String()) {
				t.Fatalf("settings leaked out of the read: %q %v", role, err)
			}
		})
	}
}
