package migrations_test

import (
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newMigrator(t *testing.T) (*migrations.Migrator, *pgxpool.Pool) {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), pgtest.Empty(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	m, err := migrations.New(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, pool
}

func tables(t *testing.T, pool *pgxpool.Pool) map[string]bool {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out[name] = true
	}
	return out
}

func TestUpDownUp(t *testing.T) {
	ctx := t.Context()
	m, pool := newMigrator(t)

	applied, err := m.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := migrations.All()
	if len(applied) != len(all) {
		t.Fatalf("applied %d migrations, want %d", len(applied), len(all))
	}
	got := tables(t, pool)
	for _, want := range []string{"tenants", "users", "memberships", "api_keys", "user_sessions",
		"password_reset_tokens", "oauth_states", "projects", "secrets", "tests", "runs", "agents",
		"steps", "webhook_deliveries", "integrations", "river_job", "river_migration"} {
		if !got[want] {
			t.Errorf("table %s missing after up", want)
		}
	}

	again, err := m.Up(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second up applied %d migrations (err %v), want none", len(again), err)
	}

	if _, err := m.Down(ctx, -1); err != nil {
		t.Fatal(err)
	}
	if left := tables(t, pool); len(left) != 0 {
		t.Fatalf("tables left after full down: %v", left)
	}

	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up after down: %v", err)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != st.Latest || len(st.Pending) != 0 || st.RiverCur == 0 || st.RiverCur != st.RiverMax {
		t.Fatalf("status after up: %+v", st)
	}
}

func TestDownOneStep(t *testing.T) {
	ctx := t.Context()
	m, _ := newMigrator(t)
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	reverted, err := m.Down(ctx, 1)
	if err != nil || len(reverted) != 1 {
		t.Fatalf("down 1: %v, %v", reverted, err)
	}
	st, _ := m.Status(ctx)
	all, _ := migrations.All()
	if st.Current != all[len(all)-2].Version || len(st.Pending) != 1 || st.Pending[0].Version != st.Latest {
		t.Fatalf("after one step down: current %d latest %d pending %d", st.Current, st.Latest, len(st.Pending))
	}
	if st.RiverCur == 0 {
		t.Fatal("one step down removed River's schema")
	}
}

func TestConcurrentUp(t *testing.T) {
	ctx := t.Context()
	dbURL := pgtest.Empty(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			pool, err := pgxpool.New(ctx, dbURL)
			if err != nil {
				errs <- err
				return
			}
			defer pool.Close()
			m, err := migrations.New(pool, nil)
			if err != nil {
				errs <- err
				return
			}
			_, err = m.Up(ctx)
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent up: %v", err)
		}
	}
}

// Page HTML, page text, console logs and network events live in memory
// only; the schema must have nowhere to put them.
func TestNoColumnForPageContent(t *testing.T) {
	pool := pgtest.Migrated(t)
	rows, err := pool.Query(t.Context(), `
		SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	forbidden := regexp.MustCompile(`(?i)html|page_?text|dom|console|network|har$|request_log`)
	n := 0
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		n++
		if forbidden.MatchString(column) {
			t.Errorf("%s.%s looks like page content, which must never be stored", table, column)
		}
	}
	if n < 50 {
		t.Fatalf("only %d columns seen; is the schema there?", n)
	}
}

func TestUserSessionsUnlogged(t *testing.T) {
	pool := pgtest.Migrated(t)
	var persistence string
	if err := pool.QueryRow(t.Context(), `SELECT relpersistence FROM pg_class WHERE relname = 'user_sessions'`).Scan(&persistence); err != nil {
		t.Fatal(err)
	}
	if persistence != "u" {
		t.Fatalf("user_sessions persistence = %q, want unlogged (u)", persistence)
	}
}

func TestEveryTenantTableHasRLS(t *testing.T) {
	pool := pgtest.Migrated(t)
	rows, err := pool.Query(t.Context(), `
		SELECT c.relname, c.relrowsecurity,
		       EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)
		FROM pg_class c
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table string
		var rls, policy bool
		if err := rows.Scan(&table, &rls, &policy); err != nil {
			t.Fatal(err)
		}
		n++
		if !rls || !policy {
			t.Errorf("table %s has tenant_id but row-level security %v, policy %v", table, rls, policy)
		}
	}
	if n < 12 {
		t.Fatalf("only %d tenant tables found", n)
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"bad name":     {"sql/1_x.up.sql": {}},
		"missing down": {"sql/0001_x.up.sql": {Data: []byte("SELECT 1")}},
		"no 0001":      {"sql/0002_a.up.sql": {Data: []byte("x")}, "sql/0002_a.down.sql": {Data: []byte("x")}},
	} {
		if _, err := migrations.ParseFS(fsys, "sql"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A gap is a number reserved for work that has not landed yet.
	gap := fstest.MapFS{"sql/0001_a.up.sql": {Data: []byte("x")}, "sql/0001_a.down.sql": {Data: []byte("x")}, "sql/0003_c.up.sql": {Data: []byte("x")}, "sql/0003_c.down.sql": {Data: []byte("x")}}
	if ms, err := migrations.ParseFS(gap, "sql"); err != nil || len(ms) != 2 || ms[1].Version != 3 {
		t.Errorf("gap: %v, %v", ms, err)
	}
}
