package jobs

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRetryUnavailable(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	shutdown := &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}

	var repeats []bool
	err := retryUnavailable(t.Context(), log, "write", func(repeat bool) error {
		repeats = append(repeats, repeat)
		if len(repeats) < 3 {
			return shutdown
		}
		return nil
	})
	if err != nil || len(repeats) != 3 || repeats[0] || !repeats[1] || !repeats[2] {
		t.Errorf("after two cut tries: err %v, tries %v; want success on the third, the first not a repeat", err, repeats)
	}

	other := errors.New("check constraint")
	tries := 0
	if err := retryUnavailable(t.Context(), log, "write", func(bool) error { tries++; return other }); !errors.Is(err, other) || tries != 1 {
		t.Errorf("a refusal: err %v after %d tries, want it at once", err, tries)
	}
}
