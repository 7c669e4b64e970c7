// Package pgtest gives tests a real, clean PostgreSQL database.
//
// A test package calls [Main] from TestMain. Unless ARGUS_TEST_DATABASE_URL
// (or DATABASE_URL) names a server, Main starts a throwaway cluster for the
// package with [pgcluster] and stops it when the tests end. Each test then
// asks for its own database: [Empty] for a bare one, [Migrated] for one with
// Argus's and River's schema, cloned from a template that is migrated once
// per cluster, which takes milliseconds instead of a full migration.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/pgcluster"
	"github.com/argusqa/argus/migrations"
)

// server is the PostgreSQL server of this test binary, set by Main.
var server struct {
	sync.Mutex
	adminURL string // a URL to a maintenance database with CREATEDB rights
	template string // name of the migrated template, once made
}

// Main runs the package's tests against a throwaway cluster, or against the
// server in ARGUS_TEST_DATABASE_URL / DATABASE_URL when one is given.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	given := os.Getenv("ARGUS_TEST_DATABASE_URL")
	if given == "" {
		given = os.Getenv("DATABASE_URL")
	}
	if given != "" {
		server.adminURL = given
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{
		Install: true,
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Output:  os.Stderr,
	})
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: cannot start a throwaway PostgreSQL: %v\n", err)
		return 1
	}
	defer cluster.Stop()
	server.adminURL = cluster.URL("postgres")
	return m.Run()
}

// URL returns the connection URL of database name on the test server.
func URL(t testing.TB, name string) string {
	t.Helper()
	return withDatabase(t, adminURL(t), name)
}

// AdminURL is a URL to the server's maintenance database.
func AdminURL(t testing.TB) string { return adminURL(t) }

func adminURL(t testing.TB) string {
	t.Helper()
	server.Lock()
	defer server.Unlock()
	if server.adminURL == "" {
		t.Fatal("pgtest: no database server; call pgtest.Main(m) from TestMain")
	}
	return server.adminURL
}

func withDatabase(t testing.TB, base, name string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: bad database URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Empty creates a new, empty database for this test, dropped when the test
// ends, and returns its URL.
func Empty(t testing.TB) string {
	t.Helper()
	return create(t, "")
}

// Migrated creates a new database with the full schema for this test and
// returns a pool connected to it. Both are closed and dropped when the test
// ends.
func Migrated(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dbURL := create(t, template(t))
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// MigratedURL is like Migrated but returns the database URL.
func MigratedURL(t testing.TB) string {
	t.Helper()
	return create(t, template(t))
}

func create(t testing.TB, from string) string {
	t.Helper()
	ctx := context.Background()
	name := "argus_test_" + randomSuffix()
	admin, err := pgx.Connect(ctx, adminURL(t))
	if err != nil {
		t.Fatalf("pgtest: connect to server: %v", err)
	}
	defer admin.Close(ctx)
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if from != "" {
		stmt += " TEMPLATE " + pgx.Identifier{from}.Sanitize()
	}
	if _, err := admin.Exec(ctx, stmt); err != nil {
		t.Fatalf("pgtest: %s: %v", stmt, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, adminURL(t))
		if err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(t, adminURL(t), name)
}

// template returns the name of a database holding the current schema,
// making it on first use. Its name carries a hash of the migrations, so a
// changed schema gets a fresh template, and concurrent test binaries
// sharing one server build it once.
func template(t testing.TB) string {
	t.Helper()
	server.Lock()
	tpl := server.template
	server.Unlock()
	if tpl != "" {
		return tpl
	}
	all, err := migrations.All()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	h := sha256.New()
	for _, m := range all {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", m.Version, m.Up, m.Down)
	}
	name := "argus_template_" + hex.EncodeToString(h.Sum(nil))[:16]

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL(t))
	if err != nil {
		t.Fatalf("pgtest: connect to server: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, name); err != nil {
		t.Fatalf("pgtest: lock: %v", err)
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock(hashtext($1))`, name) //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if !exists {
		// Build under a temporary name and rename, so an interrupted build
		// never leaves a half-migrated template behind the final name.
		building := name + "_" + randomSuffix()
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
			t.Fatalf("pgtest: create template: %v", err)
		}
		if err := migrate(ctx, withDatabase(t, adminURL(t), building)); err != nil {
			t.Fatalf("pgtest: migrate template: %v", err)
		}
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
			t.Fatalf("pgtest: rename template: %v", err)
		}
	}
	server.Lock()
	server.template = name
	server.Unlock()
	return name
}

func migrate(ctx context.Context, dbURL string) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrations.New(pool, nil)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	return err
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
