package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/store"
)

func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{fmt.Errorf("update agent progress: %w", &pgconn.PgError{Code: "57P03"}), true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "42501"}, false},
		{store.ErrNotFound, false},
		{errors.New("some other failure"), false},
	} {
		if got := store.Unavailable(tc.err); got != tc.want {
			t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestUnavailableWhenRefused: a database that refuses connections (a
// server restarting) is unavailable; a stopped connection too.
func TestUnavailableWhenRefused(t *testing.T) {
	ctx := t.Context()
	_, err := pgx.Connect(ctx, "postgres://argus@127.0.0.1:1/argus?connect_timeout=5")
	if err == nil || !store.Unavailable(err) {
		t.Errorf("connect to a closed port: %v, want unavailable", err)
	}
	conn, err := pgx.Connect(ctx, pgtest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT 1"); err == nil || !store.Unavailable(err) {
		t.Errorf("query on a closed connection: %v, want unavailable", err)
	}
}
