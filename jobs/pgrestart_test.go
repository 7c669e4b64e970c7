package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/internal/pgcluster"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/migrations"
	"github.com/argusqa/argus/store"
)

// TestPostgresRestartedMidRun restarts the database server while an
// agent waits on its page: the worker's pools reconnect, the agent records
// its remaining steps and its verdict, and the database holds one run with
// one agent — none lost, none duplicated.
func TestPostgresRestartedMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a PostgreSQL server")
	}
	ctx := t.Context()
	if _, err := pgcluster.FindBinDir(""); err != nil {
		t.Skipf("no PostgreSQL binaries: %v", err)
	}
	// The server runs as the postgres user when the test runs as root: its
	// directory's parent must let it pass, which t.TempDir's does not.
	parent, err := os.MkdirTemp("", "argus-pgrestart-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o711); err != nil {
		t.Fatal(err)
	}
	cfg := pgcluster.Config{Dir: filepath.Join(parent, "pg"), Persistent: true}
	cluster, err := pgcluster.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	if err := cluster.EnsureDatabase(ctx, "argus"); err != nil {
		t.Fatal(err)
	}
	dbURL := cluster.URL("argus")
	migrate(t, dbURL)
	app := newWaitingApp(t)

	f := newFixtureOn(t, dbURL, app.url)
	browsers := localBrowsers(t, 1) // skips without Chromium
	tt := f.test("Waits until ready", store.TestInput{Steps: []string{`wait for "Ready" within 60s`, `expect text "Shop"`}})
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	run, agents := f.run(j, tt)
	start(t, j)

	select {
	case <-app.polling:
	case <-time.After(3 * time.Minute):
		t.Fatalf("the page never polled: the agent did not start: %+v", f.agent(agents[0].ID))
	}
	// The restart comes once the opening step is recorded, so that it
	// lands while the agent waits on its page. The step's progress write
	// may still be in flight then: a write cut by the shutdown is tried
	// again until the database is back (retryUnavailable), which is what
	// this test once caught failing.
	for {
		steps, err := f.store.ListSteps(ctx, f.tenant.ID, agents[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) > 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the opening step was never recorded")
		case <-time.After(20 * time.Millisecond):
		}
	}
	// A clean restart, as an operator's or a failover's: every
	// connection of the worker is cut.
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	if cluster, err = pgcluster.Start(ctx, cfg); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if got := cluster.URL("argus"); got != dbURL {
		t.Fatalf("the restarted server moved: %s, was %s", got, dbURL)
	}
	restartedAt := time.Now()
	app.ready.Store(true)

	finished(t, done, 1, 3*time.Minute)
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusPassed {
		t.Fatalf("agent after the restart: %+v", a)
	}
	var runs, agentRows, steps, dupSteps int
	if err := f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM agents),
		(SELECT count(*) FROM steps), (SELECT count(*) - count(DISTINCT (agent_id, attempt, idx)) FROM steps)`).Scan(&runs, &agentRows, &steps, &dupSteps); err != nil {
		t.Fatal(err)
	}
	if runs != 1 || agentRows != 1 || dupSteps != 0 || steps < 3 {
		t.Fatalf("after the restart: %d runs, %d agents, %d steps (%d duplicated)", runs, agentRows, steps, dupSteps)
	}
	r, err := f.store.GetRun(ctx, f.tenant.ID, run.ID)
	if err != nil || r.Status != store.StatusPassed {
		t.Fatalf("run after the restart: %+v, %v", r, err)
	}
	t.Logf("CHAOS PostgreSQL restarted mid-run → agent passed on attempt %d %s later; 1 run, 1 agent, %d steps, none duplicated",
		a.Attempt, time.Since(restartedAt).Round(time.Second), steps)
}

// migrate applies every migration to dbURL.
func migrate(t *testing.T, dbURL string) {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := migrations.New(pool, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
}
