package jobs_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(workerProcess())
	}
	pgtest.Main(m)
}

// fixture is one migrated database with a tenant, a project and blob
// storage.
type fixture struct {
	t       testing.TB
	dbURL   string
	pool    *pgxpool.Pool
	store   *store.Store
	blobs   *storage.Local
	blobDir string
	key     []byte
	tenant  *store.Tenant
	project *store.Project
}

func newFixture(t testing.TB, baseURL string) *fixture {
	t.Helper()
	return newFixtureOn(t, pgtest.MigratedURL(t), baseURL)
}

// newFixtureOn is newFixture on a migrated database of the test's own.
func newFixtureOn(t testing.TB, dbURL, baseURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, dbURL: dbURL, blobDir: t.TempDir(), key: make([]byte, seal.KeySize)}
	_, _ = rand.Read(f.key)
	var err error
	f.pool, err = pgxpool.New(ctx, f.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.pool.Close)
	kr, err := seal.NewKeyring("k1", f.key, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.store, err = store.New(ctx, f.pool, store.Config{Keyring: kr, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	f.blobs, err = storage.NewLocal(f.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	f.tenant, err = f.store.CreateTenant(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	f.project, err = f.store.CreateProject(ctx, f.tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) test(name string, in store.TestInput) *store.Test {
	f.t.Helper()
	in.Name = name
	tt, err := f.store.CreateTest(context.Background(), f.tenant.ID, f.project.ID, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return tt
}

// newJobs makes a Jobs on the fixture's database, tuned for tests; Stop
// runs when the test ends.
func (f *fixture) newJobs(cfg jobs.Config) *jobs.Jobs {
	f.t.Helper()
	cfg.Pool, cfg.Store, cfg.Blobs = f.pool, f.store, f.blobs
	if cfg.Logger == nil {
		cfg.Logger = testLogger(f.t)
	}
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = 10 * time.Millisecond
	}
	if cfg.TargetPolicy == nil {
		// The applications under test listen on 127.0.0.1.
		cfg.TargetPolicy = &netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	}
	j, err := jobs.New(jobs.ForTests(cfg))
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := j.Stop(ctx); err != nil {
			f.t.Errorf("stop: %v", err)
		}
	})
	return j
}

func start(t testing.TB, j *jobs.Jobs) {
	t.Helper()
	if err := j.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// run starts a run of tests with j as the scheduler.
func (f *fixture) run(j *jobs.Jobs, tests ...*store.Test) (*store.Run, []store.Agent) {
	f.t.Helper()
	ids := make([]uuid.UUID, len(tests))
	for i, tt := range tests {
		ids[i] = tt.ID
	}
	r, agents, _, err := f.store.CreateRun(context.Background(), f.tenant.ID, store.RunInput{ProjectID: f.project.ID, TestIDs: ids}, j.Enqueue)
	if err != nil {
		f.t.Fatal(err)
	}
	return r, agents
}

func (f *fixture) agent(id uuid.UUID) *store.Agent {
	f.t.Helper()
	a, err := f.store.GetAgent(context.Background(), f.tenant.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// finished waits for n agent jobs to end (completed, failed for good, or
// cancelled) and returns their events.
func finished(t testing.TB, events <-chan *river.Event, n int, timeout time.Duration) []*river.Event {
	t.Helper()
	var out []*river.Event
	deadline := time.After(timeout)
	for len(out) < n {
		select {
		case ev := <-events:
			if ev.Job.Kind != (jobs.AgentArgs{}).Kind() {
				continue
			}
			if ev.Kind == river.EventKindJobFailed && ev.Job.Attempt < ev.Job.MaxAttempts {
				continue // will be retried
			}
			out = append(out, ev)
		case <-deadline:
			t.Fatalf("only %d of %d agent jobs ended within %v", len(out), n, timeout)
		}
	}
	return out
}

func subscribe(j *jobs.Jobs) <-chan *river.Event {
	ch, _ := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	return ch
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// page serves one HTML page.
func page(title, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>%s</title></head><body>%s</body></html>`, title, body)
	}
}

func newApp(t testing.TB, mux *http.ServeMux) *httptest.Server {
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestConfigDefaultsAndValidation(t *testing.T) {
	c := jobs.Config{}.WithDefaults()
	if c.MaxAgents != 5 || c.JobTimeout != 30*time.Minute || c.RescueStuckJobsAfter != 35*time.Minute ||
		c.CompletedJobRetention != 2*time.Hour || c.CancelledJobRetention != 24*time.Hour ||
		c.DiscardedJobRetention != 24*time.Hour || c.PurgeInterval != 10*time.Minute || c.RetryDelay != 10*time.Second {
		t.Fatalf("defaults: %+v", c)
	}
	f := newFixture(t, "https://shop.example.com")
	for name, cfg := range map[string]jobs.Config{
		"no pool":               {Store: f.store},
		"no store":              {Pool: f.pool},
		"worker without blobs":  {Pool: f.pool, Store: f.store, Browser: &fakeProvider{}},
		"rescue before timeout": {Pool: f.pool, Store: f.store, JobTimeout: time.Hour, RescueStuckJobsAfter: time.Minute},
		"too many agents":       {Pool: f.pool, Store: f.store, MaxAgents: 1000},
		"own queue":             {Pool: f.pool, Store: f.store, Queues: map[string]river.QueueConfig{"agents": {MaxWorkers: 1}}},
	} {
		if _, err := jobs.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRetentionAndLimitsReachRiver checks the numbers of the spec are the
// ones River runs with.
func TestRetentionAndLimitsReachRiver(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	j := f.newJobs(jobs.Config{Browser: &fakeProvider{}, Agent: agent.Config{}})
	rc := jobs.RiverConfig(j)
	if rc.CompletedJobRetentionPeriod != 2*time.Hour || rc.CancelledJobRetentionPeriod != 24*time.Hour ||
		rc.DiscardedJobRetentionPeriod != 24*time.Hour {
		t.Errorf("retention: completed %v cancelled %v discarded %v", rc.CompletedJobRetentionPeriod, rc.CancelledJobRetentionPeriod, rc.DiscardedJobRetentionPeriod)
	}
	if rc.JobTimeout != 30*time.Minute || rc.RescueStuckJobsAfter != 35*time.Minute {
		t.Errorf("timeout %v rescue %v", rc.JobTimeout, rc.RescueStuckJobsAfter)
	}
	if q := rc.Queues[jobs.QueueAgents]; q.MaxWorkers != 5 {
		t.Errorf("agents queue: %+v", q)
	}
	if opts := (jobs.AgentArgs{}).InsertOpts(); opts.MaxAttempts != 3 || opts.Queue != "agents" {
		t.Errorf("agent job options: %+v", opts)
	}
	// An insert-only Jobs (a server without an embedded worker) works no
	// queue.
	insertOnly := f.newJobs(jobs.Config{})
	if len(jobs.RiverConfig(insertOnly).Queues) != 0 || len(jobs.RiverConfig(insertOnly).PeriodicJobs) != 0 {
		t.Errorf("insert-only Jobs has queues or periodic jobs")
	}
}

// waitingApp is an application whose page polls the server and shows
// "Ready" once the test says so: an agent waiting on it is inside a step
// for as long as the test needs (to kill its worker, its browser, its
// database).
type waitingApp struct {
	url string
	// ready makes the page show "Ready".
	ready atomic.Bool
	// polling closes when the page first polls: the agent is in its step.
	polling chan struct{}
}

func newWaitingApp(t testing.TB) *waitingApp {
	t.Helper()
	a := &waitingApp{polling: make(chan struct{})}
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", page("Shop", `<h1>Shop</h1><div id="state"></div>
<script>
setInterval(async () => {
  const r = await fetch('/state');
  if ((await r.text()) === 'ready' && !document.getElementById('ready')) {
    const p = document.createElement('p'); p.id = 'ready'; p.textContent = 'Ready';
    document.getElementById('state').appendChild(p);
  }
}, 100);
</script>`))
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) {
		once.Do(func() { close(a.polling) })
		if a.ready.Load() {
			fmt.Fprint(w, "ready")
		}
	})
	a.url = newApp(t, mux).URL
	return a
}
