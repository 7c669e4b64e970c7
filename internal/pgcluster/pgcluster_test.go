package pgcluster

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, Config{Install: true})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		_ = c.Stop()
		t.Fatal(err)
	}
	// Extensions are installed in template1, so new databases have them.
	if _, err := conn.Exec(ctx, `CREATE DATABASE fresh`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	fresh, err := pgx.Connect(ctx, c.URL("fresh"))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := fresh.QueryRow(ctx, `SELECT count(*) FROM pg_extension WHERE extname IN ('pgcrypto', 'citext', 'pg_trgm')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	fresh.Close(ctx)
	if n != 3 {
		t.Fatalf("%d of the 3 extensions present in a new database", n)
	}
	dir := c.Dir()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cluster directory %s survives Stop: %v", dir, err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := pgx.Connect(ctx, c.URL("postgres")); err == nil {
		t.Fatal("server still answers after Stop")
	}
}
