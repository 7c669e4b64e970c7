package metrics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/server/metrics"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestDatabaseCollectors reads the queue depth and agent counts from a
// real database at scrape time.
func TestDatabaseCollectors(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Migrated(t)
	for _, state := range []string{"available", "available", "running", "completed"} {
		if _, err := pool.Exec(ctx, `INSERT INTO river_job (args, kind, max_attempts, queue, state, priority, finalized_at)
			VALUES ('{}', 'agent', 3, 'agents', $1::river_job_state, 1, CASE WHEN $1::text = 'completed' THEN now() END)`, state); err != nil {
			t.Fatal(err)
		}
	}
	m := metrics.New()
	m.RegisterDatabase(pool, nil)
	m.ObserveStep(2*time.Second, 1000, 50)
	m.AgentsActive.Inc()

	want := `
# HELP argus_queue_jobs River jobs not yet finished, by queue and state (available, scheduled, retryable, running).
# TYPE argus_queue_jobs gauge
argus_queue_jobs{queue="agents",state="available"} 2
argus_queue_jobs{queue="agents",state="running"} 1
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "argus_queue_jobs"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.Tokens.WithLabelValues("output")); got != 50 {
		t.Fatalf("output tokens %v", got)
	}
	n, err := testutil.GatherAndCount(m.Registry, "argus_agents", "argus_step_duration_seconds", "argus_worker_agents_active")
	if err != nil || n != 4 {
		t.Fatalf("collectors: %d series, %v", n, err)
	}
	// A database that cannot be read is reported, not a failed scrape.
	pool.Close()
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(`
# HELP argus_metrics_database_up 1 when the last scrape could read the database, else 0.
# TYPE argus_metrics_database_up gauge
argus_metrics_database_up 0
`), "argus_metrics_database_up"); err != nil {
		t.Fatal(err)
	}
}
